package io.maskimpact.analysis;

import java.io.Serializable;

/**
 * Whether and how output effects are measured ({@code --effects}, {@code --effect-layers},
 * {@code --effect-block}): each maskable unit hidden from attention at a window of layers, the
 * decoder run to the final position, its next-token distribution compared with the baseline's.
 *
 * @param enabled whether the {@code effects} table is computed
 * @param firstLayer first layer that hides the unit
 * @param lastLayer last layer that hides it (inclusive), or -1 for the model's last layer
 * @param block vision tokens are hidden in blocks of block x block cells of their grid (1: one at a time)
 */
public record EffectOptions(boolean enabled, int firstLayer, int lastLayer, int block) implements Serializable {
    /** Effects not measured. */
    public static final EffectOptions OFF = new EffectOptions(false, 0, -1, 1);
    /** The {@code layers} column's value when every layer hides the unit. */
    public static final String ALL_LAYERS = "all";

    public EffectOptions {
        if (firstLayer < 0 || (lastLayer >= 0 && lastLayer < firstLayer)) {
            throw new IllegalArgumentException("effect layers must be A-B with 0 <= A <= B (got " + firstLayer + "-"
                    + lastLayer + ")");
        }
        if (block < 1) {
            throw new IllegalArgumentException("effect block must be at least 1 (got " + block + ")");
        }
    }

    /**
     * @param value {@code all} or {@code A-B} (layers A to B, inclusive, 0-based)
     * @return the first and last layer; last is -1 for {@code all}
     * @throws IllegalArgumentException for anything else
     */
    public static int[] parseLayers(String value) {
        String v = value.strip();
        if (ALL_LAYERS.equalsIgnoreCase(v)) {
            return new int[] {0, -1};
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,4})-(\\d{1,4})").matcher(v);
        if (!m.matches() || Integer.parseInt(m.group(2)) < Integer.parseInt(m.group(1))) {
            throw new IllegalArgumentException("Cannot read effect layers '" + value
                    + "' (expected all or A-B, 0 <= A <= B, e.g. 0-3)");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** @return the {@code --effect-layers} spelling, also the {@code layers} column: {@code all} or {@code A-B} */
    public String layersLabel() {
        return lastLayer < 0 ? ALL_LAYERS : firstLayer + "-" + lastLayer;
    }

    /**
     * @param numLayers the model's decoder layers
     * @return the last layer that hides a unit
     * @throws IllegalArgumentException when the window does not fit the model
     */
    public int lastLayerOf(int numLayers) {
        if (lastLayer >= numLayers) {
            throw new IllegalArgumentException("effect layers " + layersLabel() + " do not fit a model of " + numLayers
                    + " layers (expected A-B with B <= " + (numLayers - 1) + ")");
        }
        return lastLayer < 0 ? numLayers - 1 : lastLayer;
    }
}
