package io.maskimpact.model.nn;

import com.google.gson.JsonElement;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.HfConfig;

import java.util.Map;
import java.util.Set;

/**
 * A text model's rotary embedding settings, from either generation of transformers' configs:
 * {@code rope_parameters} (transformers 5) or {@code rope_theta} with {@code rope_scaling}
 * (transformers 4 and the released checkpoints of its time).
 *
 * <p>Only what this build computes is accepted: rope types {@code default} and {@code linear}
 * (and the legacy type {@code mrope}, which transformers reads as {@code default} with sections).
 * Every other type, and any key that would change the maths and is not understood, fails at load
 * with the key and the file, because a silently wrong RoPE changes every number.
 *
 * @param type {@code default} or {@code linear}
 * @param theta the base
 * @param linearFactor positions are divided by it ({@code linear}); 1 otherwise
 * @param mropeSection M-RoPE frequency slots per axis (temporal, height, width), or null
 */
public record RopeParameters(String type, double theta, double linearFactor, int[] mropeSection) {

    /** Keys of a rope dictionary that this class reads, per rope type. */
    private static final Map<String, Set<String>> KNOWN_KEYS = Map.of(
            "default", Set.of("rope_type", "type", "rope_theta", "mrope_section", "mrope_interleaved"),
            "linear", Set.of("rope_type", "type", "rope_theta", "factor", "mrope_section", "mrope_interleaved"));

    /**
     * Reads the settings of a text config whose rope applies to every layer.
     *
     * @param text the text config
     * @param defaultTheta the model class's default base, used only when the config names none
     *     (transformers' config classes define one)
     * @return the settings
     * @throws ModelLoadException when a setting is not supported
     */
    public static RopeParameters read(HfConfig text, double defaultTheta) throws ModelLoadException {
        checkPartialRotary(text);
        if (text.has("rope_parameters")) {
            return parse(text.child("rope_parameters"), defaultTheta);
        }
        // transformers 4: the base at the top level, scaling in its own dictionary.
        double theta = text.doubleValue("rope_theta", defaultTheta);
        if (!text.has("rope_scaling")) {
            return new RopeParameters("default", theta, 1.0, null);
        }
        RopeParameters scaling = parse(text.child("rope_scaling"), theta);
        return new RopeParameters(scaling.type, theta, scaling.linearFactor, scaling.mropeSection);
    }

    /**
     * Reads the settings of one layer type from a transformers 5 config whose
     * {@code rope_parameters} is keyed by layer type (Gemma 3: {@code full_attention},
     * {@code sliding_attention}).
     *
     * @param text the text config
     * @param layerType the key
     * @param defaultTheta the class default base for this layer type
     * @return the settings
     * @throws ModelLoadException when the key is absent or a setting is not supported
     */
    public static RopeParameters readForLayerType(HfConfig text, String layerType, double defaultTheta)
            throws ModelLoadException {
        checkPartialRotary(text);
        HfConfig byType = text.child("rope_parameters");
        if (!byType.has(layerType)) {
            throw new ModelLoadException("Cannot load model: rope_parameters in " + text + " has no '" + layerType
                    + "' entry (expected one per layer type)");
        }
        return parse(byType.child(layerType), defaultTheta);
    }

    /**
     * @param section the model class's default M-RoPE sections (transformers' {@code rope_parameters.get("mrope_section", ...)})
     * @return these settings, with that default when the config names no sections
     */
    public RopeParameters withDefaultSection(int[] section) {
        return mropeSection != null ? this : new RopeParameters(type, theta, linearFactor, section.clone());
    }

    private static void checkPartialRotary(HfConfig text) throws ModelLoadException {
        double partial = text.doubleValue("partial_rotary_factor", 1.0);
        if (partial != 1.0) {
            throw new ModelLoadException("Cannot load model: partial_rotary_factor " + partial + " in " + text
                    + " is not supported (supported: 1.0)");
        }
    }

    private static RopeParameters parse(HfConfig rope, double defaultTheta) throws ModelLoadException {
        String type = rope.optString("rope_type").or(() -> rope.optString("type")).orElse("default");
        if (type.equals("mrope")) {
            type = "default";          // transformers' legacy name for default rope with M-RoPE sections
        }
        Set<String> known = KNOWN_KEYS.get(type);
        if (known == null) {
            throw new ModelLoadException("Cannot load model: rope type '" + type + "' in " + rope
                    + " is not supported (supported: " + String.join(", ", KNOWN_KEYS.keySet()) + ")");
        }
        for (Map.Entry<String, JsonElement> e : rope.json().entrySet()) {
            if (!known.contains(e.getKey()) && !e.getValue().isJsonNull()) {
                throw new ModelLoadException("Cannot load model: rope setting '" + e.getKey() + "' in " + rope
                        + " is not understood for rope type '" + type + "' (understood: " + String.join(", ", known.stream().sorted().toList())
                        + "); refusing to guess what it changes");
            }
        }
        double factor = 1.0;
        if (type.equals("linear")) {
            if (!rope.has("factor")) {
                throw new ModelLoadException("Cannot load model: linear rope scaling in " + rope + " has no 'factor'");
            }
            factor = rope.doubleValue("factor", 1.0);
        }
        int[] section = rope.has("mrope_section") ? rope.ints("mrope_section") : null;
        return new RopeParameters(type, rope.doubleValue("rope_theta", defaultTheta), factor, section);
    }
}
