package io.maskimpact.analysis;

import java.io.Serializable;

/**
 * The output effects of one generation step, column by column: row {@code i} is one unit hidden at
 * the layers {@link EffectOptions#layersLabel()} names. Token text, kind and grid cell come from
 * {@link PairImpact#tokens()} at {@code position[i]} (a vision block's first position is its
 * top-left cell).
 *
 * @param position the unit's first position per row
 * @param unitSize tokens the unit hides per row
 * @param imageIndex the unit's image region per row, -1 when it is not vision
 * @param klDivergence KL(baseline || masked) of the next-token distributions, nats
 * @param probDrop the baseline's greedy token: baseline probability minus masked probability
 * @param logitDiff the same token: baseline logit minus masked logit
 * @param greedyRank the same token's rank under masking, 1 = still the argmax
 * @param maskedTop1 the masked distribution's argmax token id per row
 * @param maskedTop1Text its decoded text per row
 */
public record StepEffects(int[] position, int[] unitSize, int[] imageIndex, float[] klDivergence, float[] probDrop,
                          float[] logitDiff, int[] greedyRank, int[] maskedTop1, String[] maskedTop1Text)
        implements Serializable {

    /** @return rows */
    public int rowCount() {
        return position.length;
    }
}
