package io.maskimpact.model.image;

/**
 * An image size in transformers' order, height first.
 *
 * @param height rows
 * @param width columns
 */
public record Size(int height, int width) {
}
