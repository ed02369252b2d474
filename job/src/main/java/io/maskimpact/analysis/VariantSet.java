package io.maskimpact.analysis;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which variants of "the layer's update" are measured.
 *
 * <p>Variant names, in the order their indices are assigned: {@code Full}, {@code Attn},
 * {@code Head_0..Head_{H-1}}, {@code AttnWeight_Head_0..AttnWeight_Head_{H-1}},
 * {@code AttnWeight_Avg}; only the switched-on groups are present.
 *
 * @param full the whole residual update, resid_post - resid_pre
 * @param attn the attention output after o_proj
 * @param heads each head's output before o_proj
 * @param attnWeights the raw attention weight each head (and their mean) gives the token
 */
public record VariantSet(boolean full, boolean attn, boolean heads, boolean attnWeights)
        implements Serializable {

    /** The default: {@code Full}, {@code Attn} and every head. */
    public static final VariantSet DEFAULT = new VariantSet(true, true, true, false);

    public VariantSet {
        if (!full && !attn && !heads && !attnWeights) {
            throw new IllegalArgumentException("Cannot analyze: no variant selected (choose any of full, attn, heads, attn-weights)");
        }
    }

    /**
     * Parses a comma-separated list such as {@code full,attn,heads,attn-weights}.
     *
     * @param csv the list
     * @return the set
     */
    public static VariantSet parse(String csv) {
        boolean full = false, attn = false, heads = false, weights = false;
        for (String part : csv.split(",")) {
            switch (part.trim().toLowerCase(Locale.ROOT)) {
                case "full" -> full = true;
                case "attn" -> attn = true;
                case "heads" -> heads = true;
                case "attn-weights" -> weights = true;
                case "all" -> { full = true; attn = true; heads = true; weights = true; }
                case "" -> { }
                default -> throw new IllegalArgumentException("Unknown variant '" + part.trim()
                        + "' (expected any of full, attn, heads, attn-weights, all)");
            }
        }
        return new VariantSet(full, attn, heads, weights);
    }

    /**
     * @param numHeads attention heads per layer
     * @return the variant names, index = position in the list
     */
    public List<String> names(int numHeads) {
        List<String> names = new ArrayList<>();
        if (full) names.add("Full");
        if (attn) names.add("Attn");
        if (heads) for (int h = 0; h < numHeads; h++) names.add("Head_" + h);
        if (attnWeights) {
            for (int h = 0; h < numHeads; h++) names.add("AttnWeight_Head_" + h);
            names.add("AttnWeight_Avg");
        }
        return names;
    }
}
