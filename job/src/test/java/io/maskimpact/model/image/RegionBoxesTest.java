package io.maskimpact.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each region's box in the original image: the geometry the viewer draws. Transformers has no boxes, so these
 * follow from the steps' own definitions (a resize keeps the box; a crop or tile takes its share of it).
 */
class RegionBoxesTest {
    private static final PixelValues AS_IS = new PixelValues(false, 1, false, new float[0], new float[0]);

    private static ProcessedImage run(PixelImage image, ImageStep... steps) throws Exception {
        return new ImagePipeline("test", List.of(steps), AS_IS, Optional.empty()).process(image);
    }

    @Test
    void aCenterCropAfterAResizeMapsBackThroughTheScale() throws Exception {
        // 100x73 to shortest edge 56 is 76x56; the 56x56 crop starts (76 - 56) // 2 = 10 resized pixels in
        ProcessedImage out = run(PixelImage.blank(100, 73, 3),
                new Resize(OutputSizes.shortestEdge(56), Resampling.BICUBIC), new CenterCrop(56, 56));
        Box box = out.regions().get(0).box();
        double scale = 100.0 / 76;
        assertThat(box.left()).as("left edge: 10 resized pixels in").isCloseTo(10 * scale, within(1e-9));
        assertThat(box.right()).as("right edge: 66 resized pixels in").isCloseTo(66 * scale, within(1e-9));
        assertThat(box.top()).as("the short side is not cropped").isZero();
        assertThat(box.bottom()).isCloseTo(73, within(1e-9));
    }

    @Test
    void aCropLargerThanTheImageReachesOutsideIt() throws Exception {
        // 20 rows centred in 24: 2 black rows above and below; 17 of 20 columns: offset (20 - 17) // 2 = 1
        ProcessedImage out = run(PixelImage.blank(20, 20, 3), new CenterCrop(24, 17));
        assertThat(out.regions().get(0).box()).as("the crop's rectangle in the original image")
                .isEqualTo(new Box(1, -2, 18, 22));
    }

    @Test
    void tilesCoverTheImageRowByRowAndTheGlobalImageIsAllOfIt() throws Exception {
        ProcessedImage out = run(PixelImage.blank(100, 73, 3),
                new Resize(OutputSizes.longestEdge(64), Resampling.LANCZOS),
                new Resize(OutputSizes.multiplesOf(32), Resampling.LANCZOS), new SplitTiles(32, Resampling.LANCZOS));
        List<ImageRegion> regions = out.regions();
        assertThat(regions).as("2x2 tiles and the global image").hasSize(5);
        assertThat(out.tileRows()).isEqualTo(2);
        assertThat(out.tileCols()).isEqualTo(2);
        assertThat(regions.get(1).box()).as("row 0, column 1: the top right quarter").isEqualTo(new Box(50, 0, 100, 36.5));
        assertThat(regions.get(2).row()).as("the third tile starts row 1").isEqualTo(1);
        assertThat(regions.get(4).kind()).isEqualTo(RegionKind.GLOBAL);
        assertThat(regions.get(4).box()).isEqualTo(new Box(0, 0, 100, 73));
    }

    @Test
    void panAndScanCropsSitSideBySide() throws Exception {
        ProcessedImage out = run(PixelImage.blank(120, 40, 3), new PanAndScan(8, 4, 1.2),
                new Resize(OutputSizes.fixed(16, 16), Resampling.BILINEAR));
        assertThat(out.cropCount()).as("aspect ratio 3: three crops").isEqualTo(3);
        assertThat(out.regions().get(0).box()).as("the image itself first").isEqualTo(new Box(0, 0, 120, 40));
        assertThat(out.regions().get(3).box()).as("the last crop").isEqualTo(new Box(80, 0, 120, 40));
        assertThat(out.regions().get(3).col()).isEqualTo(2);
    }
}
