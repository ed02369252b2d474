package io.maskimpact.family.idefics3;

import ai.djl.ndarray.NDManager;
import io.maskimpact.family.Families;
import io.maskimpact.family.TinyModels;
import io.maskimpact.input.PixelImage;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.TokenKind;
import io.maskimpact.model.Vlm;
import io.maskimpact.model.image.ProcessorOverrides;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SmolVLM's tiles as the prompt reports them (the parity checkpoint: 48-pixel tiles of 3x3 tokens, the
 * longest edge resized to 144): the 101x37 image becomes 144x53, then 144x96, so 2 rows x 3 columns of
 * tiles and the global image, each its own region in prompt order with its box in the original pixels; every
 * vision token names its region and its cell. {@code --no-image-splitting} leaves only the global image.
 */
class Idefics3RegionsTest {
    private static final PixelImage WIDE = TinyModels.parityImage("wide_101x37.png");

    @Test
    void eachTileAndTheGlobalImageIsARegionOverItsPartOfTheImage() throws Exception {
        Vlm model = TinyModels.get("parity/smolvlm");
        try (NDManager manager = model.manager().newSubManager()) {
            PreparedPrompt prompt = model.prompts().prepare(WIDE, "What is in the image?", manager);
            List<ImageRegion> regions = prompt.regions();
            assertThat(regions).hasSize(7);
            for (int k = 0; k < 6; k++) {
                int r = k / 3;
                int c = k % 3;
                ImageRegion tile = regions.get(k);
                assertThat(tile.index()).isEqualTo(k);
                assertThat(tile.kind()).isEqualTo(ImageRegion.Kind.TILE);
                assertThat(tile.gridRows()).isEqualTo(3);
                assertThat(tile.gridCols()).isEqualTo(3);
                ImageRegion.Box box = tile.box();
                assertThat(box.x0()).as("tile %d left", k).isCloseTo(c * 101 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
                assertThat(box.x1()).as("tile %d right", k).isCloseTo((c + 1) * 101 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
                assertThat(box.y0()).as("tile %d top", k).isCloseTo(r * 37 / 2.0, org.assertj.core.data.Offset.offset(1e-9));
                assertThat(box.y1()).as("tile %d bottom", k).isCloseTo((r + 1) * 37 / 2.0, org.assertj.core.data.Offset.offset(1e-9));
            }
            ImageRegion global = regions.get(6);
            assertThat(global.kind()).isEqualTo(ImageRegion.Kind.GLOBAL);
            assertThat(global.box()).isEqualTo(ImageRegion.Box.whole(101, 37));
            assertTokensFollowRegions(prompt);
            // the processor's layout: <fake_token_around_image><row_1_col_1> right before the first tile's tokens
            List<TokenInfo> tokens = prompt.tokens();
            int first = regions.get(0).firstToken();
            assertThat(tokens.get(first - 2).text()).isEqualTo("<fake_token_around_image>");
            assertThat(tokens.get(first - 1).text()).isEqualTo("<row_1_col_1>");
            assertThat(tokens.get(global.firstToken() - 1).text()).isEqualTo("<global-img>");
            assertThat(tokens.get(global.firstToken() + 9).text()).isEqualTo("<fake_token_around_image>");
        }
    }

    @Test
    void withoutImageSplittingOnlyTheGlobalImageRemains() throws Exception {
        try (Vlm model = Families.load(TinyModels.modelsDir().resolve("parity/smolvlm"), "cpu",
                new ProcessorOverrides(null, null, false)); NDManager manager = model.manager().newSubManager()) {
            PreparedPrompt prompt = model.prompts().prepare(WIDE, "What is in the image?", manager);
            assertThat(prompt.regions()).singleElement().satisfies(region -> {
                assertThat(region.kind()).isEqualTo(ImageRegion.Kind.GLOBAL);
                assertThat(region.tokenCount()).isEqualTo(9);
                assertThat(region.box()).isEqualTo(ImageRegion.Box.whole(101, 37));
            });
            assertTokensFollowRegions(prompt);
        }
    }

    @Test
    void imageSplittingIsRefusedForOtherFamilies() {
        assertThatThrownBy(() -> Families.load(TinyModels.modelsDir().resolve("parity/qwen2-vl"), "cpu",
                new ProcessorOverrides(null, null, false)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("image splitting");
        assertThatThrownBy(() -> Families.load(TinyModels.modelsDir().resolve("parity/gemma3"), "cpu",
                new ProcessorOverrides(null, null, false)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("--no-image-splitting");
    }

    /** Vision token k of region i is at firstToken + k, with that region's index and cell (k / cols, k % cols). */
    private static void assertTokensFollowRegions(PreparedPrompt prompt) {
        int vision = 0;
        for (ImageRegion region : prompt.regions()) {
            for (int k = 0; k < region.tokenCount(); k++) {
                TokenInfo t = prompt.tokens().get(region.firstToken() + k);
                assertThat(t.kind()).isEqualTo(TokenKind.VISION);
                assertThat(t.imageIndex()).isEqualTo(region.index());
                assertThat(t.patchRow()).isEqualTo(k / region.gridCols());
                assertThat(t.patchCol()).isEqualTo(k % region.gridCols());
                vision++;
            }
        }
        assertThat(prompt.tokens().stream().filter(t -> t.kind() == TokenKind.VISION).count())
                .as("every vision token lies in a region").isEqualTo(vision);
    }
}
