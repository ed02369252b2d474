package io.maskimpact.model.hf;

import io.maskimpact.model.hf.jinja.JinjaTemplate;
import io.maskimpact.model.hf.jinja.TemplateError;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template, rendered exactly as transformers' {@code apply_chat_template(..., tokenize=False)}
 * renders it (jinja2 with transformers' settings), or refused with one line.
 *
 * <pre>
 * ChatTemplate t = new ChatTemplate(source, Map.of("bos_token", "&lt;s&gt;", "eos_token", "&lt;/s&gt;"));
 * String prompt = t.renderUserTurn("what colour is the circle?", true);
 * </pre>
 *
 * <p>The template sees what transformers passes: the tokenizer's named special tokens ({@code bos_token},
 * {@code eos_token}, {@code unk_token}, {@code pad_token}, ... as the caller gives them), {@code messages},
 * {@code add_generation_prompt}, and {@code tools} and {@code documents} set to None.
 *
 * <p>Thread-safe: the template is parsed once in the constructor; each render has its own state, so one
 * instance serves every task thread of an executor.
 */
public final class ChatTemplate {
    private final JinjaTemplate template;
    private final Map<String, Object> specialTokens;

    /**
     * Parses the template.
     *
     * @param source the template text ({@code chat_template} of chat_template.json or tokenizer_config.json, or
     *               chat_template.jinja)
     * @param specialTokens the tokenizer's special tokens by name, as transformers' special_tokens_map holds them
     * @throws IllegalArgumentException when the template cannot be rendered exactly (syntax error or a Jinja
     *                                  feature this renderer refuses)
     */
    public ChatTemplate(String source, Map<String, ?> specialTokens) {
        try {
            this.template = JinjaTemplate.parse(source);
        } catch (TemplateError e) {
            throw new IllegalArgumentException("Cannot use the chat template: " + e.getMessage(), e);
        }
        this.specialTokens = Map.copyOf(specialTokens);
    }

    /**
     * Renders a conversation.
     *
     * @param messages the messages, each a map with {@code role} and {@code content} (a string, or a list of
     *                 content maps such as {@code {"type": "image"}} and {@code {"type": "text", "text": ...}})
     * @param addGenerationPrompt whether to open the assistant turn
     * @return the prompt text, image placeholders included
     * @throws IllegalArgumentException when the template fails for these messages; for the template's own
     *                                  {@code raise_exception} the message is the template's
     */
    public String render(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt) {
        Map<String, Object> variables = new HashMap<>(specialTokens);
        variables.put("messages", messages);
        variables.put("add_generation_prompt", addGenerationPrompt);
        variables.put("tools", null);
        variables.put("documents", null);
        try {
            return template.render(variables);
        } catch (TemplateError e) {
            String prefix = e.kind() == TemplateError.Kind.RAISED ? "chat template raised: " : "chat template failed: ";
            throw new IllegalArgumentException(prefix + e.getMessage(), e);
        }
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
        return render(List.of(message), addGenerationPrompt);
    }
}
