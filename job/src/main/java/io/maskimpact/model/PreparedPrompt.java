package io.maskimpact.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * A pair turned into the decoder's input: the prompt's tokens (image placeholder expanded to one
 * token per image feature) and their input embeddings with the image features spliced in.
 *
 * @param tokens every prompt position, with kind and grid cell
 * @param gridRows image grid rows
 * @param gridCols image grid columns
 * @param embeddings input embeddings, (S, d), owned by the pair's manager
 */
public record PreparedPrompt(List<TokenInfo> tokens, int gridRows, int gridCols, NDArray embeddings) {
}
