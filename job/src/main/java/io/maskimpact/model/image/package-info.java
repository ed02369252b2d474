/**
 * Image preprocessing equal to transformers' PIL image processors, family-neutral and without Spark: the
 * decoded image converted to RGB as PIL converts it ({@link io.maskimpact.model.image.PilRgb},
 * {@link io.maskimpact.model.image.ExifOrientation}), resized with PIL's own resampler
 * ({@link io.maskimpact.model.image.PilResize}) to the sizes transformers computes
 * ({@link io.maskimpact.model.image.OutputSizes}), cropped or split, rescaled and normalized, as steps composed
 * into an {@link io.maskimpact.model.image.ImagePipeline}; {@link io.maskimpact.model.image.ImageProcessors}
 * builds the families' pipelines from their configs. The output, a
 * {@link io.maskimpact.model.image.ProcessedImage}, holds each region's {@code pixel_values}, its kind and its
 * box in the original image (for the viewer's grids), and the processor's facts ({@code image_grid_thw}, tile
 * rows and columns, crops). Tests compare every stage with PIL and transformers' golden output.
 */
package io.maskimpact.model.image;
