package io.maskimpact.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * A pair turned into the decoder's input: the prompt's tokens (image placeholders expanded to one
 * token per image feature), where its images are, their rotary positions, and the input
 * embeddings with the image features spliced in.
 *
 * <p>Two optional inputs serve families whose decoder does more than a causal LLaMA stack:
 * {@code residualAdditions} are added to the hidden states after a layer during the prefill
 * (Qwen3-VL's DeepStack features at image rows), and {@code attentionBlocks} lets tokens of one
 * block see each other both ways during the prefill (Gemma 3's images).
 *
 * @param tokens every prompt position, with kind, image region and grid cell
 * @param regions the images and tiles, in prompt order; empty when the model saw no image
 * @param positions the rotary positions of the prompt and how they continue
 * @param embeddings input embeddings, (S, d), owned by the pair's manager
 * @param residualAdditions per decoder layer, (S, d) to add to that layer's output during the
 *     prefill, or null; the list itself is empty when there are none
 * @param attentionBlocks per prompt position, a block id (tokens of one block attend to each other
 *     bidirectionally in the prefill) or -1; null when attention is purely causal
 */
public record PreparedPrompt(List<TokenInfo> tokens, List<ImageRegion> regions, PositionIds positions,
                             NDArray embeddings, List<NDArray> residualAdditions, int[] attentionBlocks) {

    /**
     * A prompt for a plain causal decoder with 1-D positions.
     *
     * @param tokens every prompt position
     * @param regions the images
     * @param embeddings input embeddings, (S, d)
     * @return the prompt
     */
    public static PreparedPrompt causal(List<TokenInfo> tokens, List<ImageRegion> regions, NDArray embeddings) {
        return new PreparedPrompt(tokens, regions, PositionIds.sequential(tokens.size()), embeddings, List.of(), null);
    }

    /** @return prompt tokens (S) */
    public int length() {
        return tokens.size();
    }
}
