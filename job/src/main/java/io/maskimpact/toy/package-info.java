/**
 * The toy task the project's tiny checkpoints are trained on: 96x96 images with three coloured
 * shapes in a 6x6 grid of 16-pixel cells (the vision patch grid), and the question "what colour is
 * the &lt;shape&gt;?". {@link io.maskimpact.toy.ToyData} is the single source of these images: the
 * reference harness under {@code models/reference/} calls it to build tiny-llava's training data and
 * parity pairs, and the demo calls it to build its input.
 */
package io.maskimpact.toy;
