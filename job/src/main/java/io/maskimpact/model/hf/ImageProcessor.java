package io.maskimpact.model.hf;

import io.maskimpact.model.ModelLoadException;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * The CLIP/SigLIP image processor of {@code preprocessor_config.json}: convert to RGB, resize
 * (shortest edge, or to a fixed height and width), center-crop, rescale and normalize.
 *
 * <p>Uses DJL's image utilities (bicubic resize in libtorch); Hugging Face resizes with PIL, so
 * pixels of resized images may differ slightly from Python's, never for images already at size.
 *
 * @param shortestEdge resize so the shorter side has this length (0: resize to height x width)
 * @param height target height when not resizing by shortest edge
 * @param width target width when not resizing by shortest edge
 * @param cropHeight center-crop height (0: no crop)
 * @param cropWidth center-crop width
 * @param rescale multiply pixels by this (usually 1/255)
 * @param mean per-channel mean
 * @param std per-channel standard deviation
 */
public record ImageProcessor(int shortestEdge, int height, int width, int cropHeight, int cropWidth,
                             float rescale, float[] mean, float[] std) {

    /**
     * @param config preprocessor_config.json
     * @param imageSize the vision tower's input size, used when the config gives none
     * @return the processor
     */
    public static ImageProcessor fromConfig(HfConfig config, int imageSize) throws ModelLoadException {
        HfConfig size = config.child("size");
        int shortestEdge = size.intValue("shortest_edge", 0);
        int height = size.intValue("height", imageSize);
        int width = size.intValue("width", imageSize);
        boolean crop = config.boolValue("do_center_crop", false);
        HfConfig cropSize = config.child("crop_size");
        float rescale = config.boolValue("do_rescale", true) ? (float) config.doubleValue("rescale_factor", 1 / 255.0) : 1f;
        float[] mean = config.boolValue("do_normalize", true) ? config.floats("image_mean") : new float[] {0, 0, 0};
        float[] std = config.boolValue("do_normalize", true) ? config.floats("image_std") : new float[] {1, 1, 1};
        return new ImageProcessor(shortestEdge, height, width,
                crop ? cropSize.intValue("height", imageSize) : 0, crop ? cropSize.intValue("width", imageSize) : 0,
                rescale, mean, std);
    }

    /**
     * @param image any decoded image
     * @param manager owner of the result
     * @return pixel values, (1, 3, H, W) float32
     */
    public NDArray process(BufferedImage image, NDManager manager) {
        NDArray hwc = ImageFactory.getInstance().fromImage(toRgb(image)).toNDArray(manager, Image.Flag.COLOR); // (H, W, 3) uint8
        int h = image.getHeight();
        int w = image.getWidth();
        int[] target = resizedSize(w, h);
        int targetW = target[0];
        int targetH = target[1];
        NDArray pixels = hwc.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        if (targetH != h || targetW != w) {
            pixels = NDImageUtils.resize(pixels, targetW, targetH, Image.Interpolation.BICUBIC).clip(0, 255).round();
        }
        if (cropHeight > 0 && (cropHeight != targetH || cropWidth != targetW)) {
            pixels = NDImageUtils.centerCrop(pixels, cropWidth, cropHeight);
        }
        NDArray chw = pixels.mul(rescale).transpose(2, 0, 1);                                   // (3, H, W)
        NDArray meanArr = manager.create(mean).reshape(3, 1, 1);
        NDArray stdArr = manager.create(std).reshape(3, 1, 1);
        return chw.sub(meanArr).div(stdArr).expandDims(0);                                       // (1, 3, H, W)
    }

    /** @return the resized (width, height) of an image of this size */
    private int[] resizedSize(int w, int h) {
        if (shortestEdge <= 0) {
            return new int[] {width, height};
        }
        double scale = (double) shortestEdge / Math.min(h, w);
        return new int[] {w <= h ? shortestEdge : (int) Math.round(w * scale), h <= w ? shortestEdge : (int) Math.round(h * scale)};
    }

    /**
     * @param w the original width
     * @param h the original height
     * @return the part of the original image that the processed pixels show (the center crop, mapped back)
     */
    public io.maskimpact.model.ImageRegion.Box box(int w, int h) {
        int[] target = resizedSize(w, h);
        if (cropHeight <= 0) {
            return io.maskimpact.model.ImageRegion.Box.whole(w, h);
        }
        int left = (target[0] - cropWidth) / 2;
        int top = (target[1] - cropHeight) / 2;
        double sx = (double) w / target[0];
        double sy = (double) h / target[1];
        return new io.maskimpact.model.ImageRegion.Box(left * sx, top * sy, (left + cropWidth) * sx, (top + cropHeight) * sy);
    }

    // Hugging Face's convert_rgb: grey, palette and alpha images become plain RGB.
    private static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return rgb;
    }
}
