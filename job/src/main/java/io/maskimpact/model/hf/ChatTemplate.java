package io.maskimpact.model.hf;


import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Hugging Face chat template rendered with Jinjava, configured the way transformers
 * configures jinja2 ({@code trim_blocks}, {@code lstrip_blocks}, {@code raise_exception}).
 *
 * <pre>
 * ChatTemplate t = new ChatTemplate(source, Map.of("bos_token", "&lt;s&gt;"));
 * String prompt = t.renderUserTurn("what colour is the circle?", true);
 * </pre>
 *
 * <p>Thread-safe: the parsed engine is shared, each render has its own context.
 */
public final class ChatTemplate {
    private final String source;
    private final Map<String, Object> specialTokens;
    private final Jinjava jinjava;

    /**
     * @param source the template text ({@code chat_template} of tokenizer_config.json or chat_template.json)
     * @param specialTokens variables the template may use, such as {@code bos_token}
     */
    public ChatTemplate(String source, Map<String, Object> specialTokens) {
        this.source = source;
        this.specialTokens = Map.copyOf(specialTokens);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                // Without this, {{- x -}} is not trimmed (breaks Qwen-style templates).
                .withLegacyOverrides(LegacyOverrides.newBuilder().withUseTrimmingForNotesAndExpressions(true).build())
                .build();
        this.jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition(
                "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
    }

    /**
     * Called by templates; stock Jinjava would leave it undefined and render on.
     *
     * @param message the template's message
     * @return never
     */
    public static String raiseException(String message) {
        throw new IllegalStateException("chat template raised: " + message);
    }

    /**
     * Renders one user turn holding an image and then the question.
     *
     * @param question the user's question (data, never template code)
     * @param addGenerationPrompt whether to open the assistant turn
     * @return the prompt text, image placeholder included
     * @throws IllegalArgumentException when the template fails to render
     */
    public String renderUserTurn(String question, boolean addGenerationPrompt) {
        Map<String, Object> message = Map.of("role", "user", "content", List.of(
                Map.of("type", "image"),
                Map.of("type", "text", "text", question)));
        Map<String, Object> context = new java.util.HashMap<>(specialTokens);
        context.put("messages", List.of(message));
        context.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result;
        try {
            result = jinjava.renderForResult(source, context);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("chat template failed: " + e.getMessage(), e);
        }
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException("chat template failed: "
                    + fatal.stream().map(TemplateError::getMessage).collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }
}
