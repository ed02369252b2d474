package io.maskimpact.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskimpact.analysis.PairException;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images through Hadoop's FileSystem: conversion of valid oddities, one clear error for bad files. */
class ImageLoaderTest {
    @TempDir
    Path tmp;
    private final ImageLoader loader = new ImageLoader(new Configuration(), 1 << 20, 10_000);

    private Path write(String name, BufferedImage image, String format) throws IOException {
        Path p = tmp.resolve(name);
        assertThat(ImageIO.write(image, format, p.toFile())).as("ImageIO can write %s", format).isTrue();
        return p;
    }

    private BufferedImage load(Path p) throws PairException {
        return loader.load("p", p.toUri().toString());
    }

    @Test
    void grayscaleKeepsItsLevels() throws Exception {
        BufferedImage gray = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(1, 1, 0, 100);
        BufferedImage rgb = load(write("gray.png", gray, "png"));
        assertThat(rgb.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(rgb.getRGB(1, 1) & 0xFFFFFF).as("gray 100 stays 100 in each channel").isEqualTo(0x646464);
        assertThat(rgb.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0);
    }

    @Test
    void sixteenBitGrayAndAlphaAreConverted() throws Exception {
        BufferedImage g16 = new BufferedImage(2, 2, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(0, 0, 0, 65535);
        assertThat(load(write("g16.png", g16, "png")).getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);

        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00FF0000); // fully transparent red
        argb.setRGB(1, 0, 0xFF0000FF); // opaque blue
        BufferedImage rgb = load(write("alpha.png", argb, "png"));
        assertThat(rgb.getRGB(0, 0) & 0xFFFFFF).as("transparent pixels become white").isEqualTo(0xFFFFFF);
        assertThat(rgb.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0x0000FF);
    }

    @Test
    void largeImagesAreSubsampledToTheBound() throws Exception {
        BufferedImage big = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        BufferedImage small = load(write("big.png", big, "png"));
        assertThat((long) small.getWidth() * small.getHeight()).as("at most about 10,000 pixels").isLessThanOrEqualTo(10_000);
        assertThat(small.getWidth()).isEqualTo(100);
    }

    @Test
    void badFilesGetOneClearMessage() throws Exception {
        Path text = Files.writeString(tmp.resolve("text.jpg"), "not an image at all");
        Path empty = Files.write(tmp.resolve("empty.png"), new byte[0]);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", png);
        Path truncated = Files.write(tmp.resolve("cut.png"), Arrays.copyOf(png.toByteArray(), png.size() / 2));
        ByteArrayOutputStream jpg = new ByteArrayOutputStream();
        BufferedImage noisy = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        WritableRaster r = noisy.getRaster();
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                r.setSample(x, y, 0, (x * 31 + y * 17) % 256);
            }
        }
        ImageIO.write(noisy, "jpg", jpg);
        Path cutJpeg = Files.write(tmp.resolve("cut.jpg"), Arrays.copyOf(jpg.toByteArray(), jpg.size() / 2));
        Path big = Files.write(tmp.resolve("big.png"), new byte[(1 << 20) + 1]);

        assertThatThrownBy(() -> load(tmp.resolve("missing.png"))).isInstanceOf(PairException.class)
                .hasMessageStartingWith("Cannot read image for pair p: file not found")
                .satisfies(e -> assertThat(((PairException) e).stage()).isEqualTo("image"));
        assertThatThrownBy(() -> load(text)).hasMessageContaining("not a PNG, JPEG, GIF or BMP image");
        assertThatThrownBy(() -> load(empty)).hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> load(truncated)).hasMessageContaining("corrupt or truncated");
        assertThatThrownBy(() -> load(cutJpeg)).hasMessageContaining("corrupt or truncated");
        assertThatThrownBy(() -> load(big)).hasMessageContaining("too large");
        assertThatThrownBy(() -> load(tmp)).hasMessageContaining("it is a folder");
    }
}
