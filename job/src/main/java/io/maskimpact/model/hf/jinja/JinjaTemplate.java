package io.maskimpact.model.hf.jinja;

import java.util.List;
import java.util.Map;

/**
 * A Jinja template parsed once and rendered as transformers renders chat templates: jinja2's
 * {@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)} with its {@code tojson},
 * {@code raise_exception} and the {@code generation} tag, and {@code loopcontrols}.
 *
 * <p>Why a renderer of our own: no JVM library renders jinja2 exactly. Jinjava 2.8.4, measured against Python
 * jinja2 before this renderer was written, differs on 4 of 58 feature probes even when configured as transformers
 * configures jinja2, cannot parse {@code [::-1]} and renders an unknown {@code loop.previtem}
 * as an empty string instead of failing; {@code @huggingface/jinja} under GraalJS is also a reimplementation
 * and costs seconds per context. This one implements the subset chat templates use with Python's semantics and
 * throws {@link TemplateError} for everything else, so a template either renders byte for byte as
 * transformers does or fails with one line; the goldens under {@code chat-templates/} check it.
 *
 * <p>Thread-safe: the parsed tree is immutable and each {@link #render} evaluates in its own frames.
 */
public final class JinjaTemplate {
    private final List<Node.Stmt> body;

    private JinjaTemplate(List<Node.Stmt> body) {
        this.body = body;
    }

    /**
     * Parses a template.
     *
     * @param source the template text
     * @return the parsed template
     * @throws TemplateError when jinja2 would not compile it, or it uses a construct this renderer refuses
     */
    public static JinjaTemplate parse(String source) {
        return new JinjaTemplate(Parser.parse(source));
    }

    /**
     * Renders with the given variables.
     *
     * @param variables template variables: String, Number, Boolean, null, List and Map values, nested
     * @return the rendered text
     * @throws TemplateError when the template fails (its own raise_exception included)
     */
    public String render(Map<String, ?> variables) {
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = (Map<String, Object>) variables;
        return new Renderer(vars).render(body);
    }
}
