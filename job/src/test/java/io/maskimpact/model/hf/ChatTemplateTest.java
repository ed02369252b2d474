package io.maskimpact.model.hf;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatTemplateTest {
    private static final Path TEMPLATES = Path.of("../models/reference/templates");
    private static final Path GOLDEN = Path.of("src/test/resources/chat-templates/real");

    @Test
    void oneInstanceServesEightTaskThreads() throws Exception {
        ChatTemplate template = new ChatTemplate(
                Files.readString(TEMPLATES.resolve("qwen3-vl.jinja"), StandardCharsets.UTF_8),
                Map.of("eos_token", "<|im_end|>", "pad_token", "<|endoftext|>"));
        String expected = Files.readString(GOLDEN.resolve("qwen3-vl.ascii.gen.txt"), StandardCharsets.UTF_8);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> renders = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                renders.add(pool.submit(() -> template.renderUserTurn("What is shown in this image?", true)));
            }
            for (Future<String> render : renders) {
                assertThat(render.get()).as("every concurrent render equals transformers' output").isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void raiseExceptionFailsWithTheTemplatesMessage() throws Exception {
        ChatTemplate gemma = new ChatTemplate(
                Files.readString(TEMPLATES.resolve("gemma-3.jinja"), StandardCharsets.UTF_8), Map.of("bos_token", "<bos>"));
        List<Map<String, Object>> twoUserTurns = List.of(
                Map.of("role", "user", "content", "a"), Map.of("role", "user", "content", "b"));
        assertThatThrownBy(() -> gemma.render(twoUserTurns, true))
                .as("Gemma 3's template rejects two user turns in a row with its own message")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chat template raised: Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void aTemplateUsingARefusedFeatureFailsAtConstructionWithOneLine() {
        assertThatThrownBy(() -> new ChatTemplate("{% include 'other.jinja' %}", Map.of()))
                .as("include cannot be rendered exactly, so the template is refused when loaded")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot use the chat template: the {% include %} tag")
                .hasMessageNotContaining("\n");
    }
}
