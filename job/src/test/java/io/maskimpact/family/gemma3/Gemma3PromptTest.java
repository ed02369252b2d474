package io.maskimpact.family.gemma3;

import ai.djl.ndarray.NDManager;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.TokenKind;
import io.maskimpact.model.Vlm;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gemma 3's prompt as Gemma3Processor lays it out: {@code <start_of_image>} expanded in the text to
 * {@code \n\n<start_of_image>} + 16 soft tokens + {@code <end_of_image>\n\n}, one region of 4x4 cells over the
 * whole image; the question, which the template trims, is still found and its tokens are {@code text}.
 */
class Gemma3PromptTest {

    @Test
    void layoutRegionAndTrimmedQuestion() throws Exception {
        Vlm model = TinyModels.get("parity/gemma3");
        try (NDManager manager = model.manager().newSubManager()) {
            PreparedPrompt prompt = model.prompts().prepare(TinyModels.parityImage("tall_37x163.png"),
                    "  What is in the image? ", manager);
            ImageRegion region = prompt.regions().get(0);
            assertThat(prompt.regions()).hasSize(1);
            assertThat(region.kind()).isEqualTo(ImageRegion.Kind.IMAGE);
            assertThat(region.gridRows()).isEqualTo(4);
            assertThat(region.gridCols()).isEqualTo(4);
            assertThat(region.box()).isEqualTo(ImageRegion.Box.whole(37, 163));
            List<TokenInfo> tokens = prompt.tokens();
            int first = region.firstToken();
            assertThat(tokens.get(first - 1).text()).isEqualTo("<start_of_image>");
            assertThat(tokens.subList(first, first + 16)).allSatisfy(t -> assertThat(t.kind()).isEqualTo(TokenKind.VISION));
            assertThat(tokens.get(first + 16).text()).isEqualTo("<end_of_image>");
            String question = tokens.stream().filter(t -> t.kind() == TokenKind.TEXT).map(TokenInfo::text)
                    .collect(Collectors.joining());
            assertThat(question.replace('\u2581', ' ')).isEqualTo("What is in the image?");
        }
    }
}
