package io.maskimpact.model.hf.jinja;

/**
 * A chat template that cannot be rendered the way jinja2 renders it: a syntax error, a feature this renderer
 * refuses rather than imitate approximately, an error jinja2 would raise too, or the template's own
 * {@code raise_exception}.
 */
public final class TemplateError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the template did not render. */
    public enum Kind {
        /** The text is not a Jinja template jinja2 would compile. */
        SYNTAX,
        /** jinja2 would render it, but this renderer does not implement the feature and refuses to guess. */
        UNSUPPORTED,
        /** The template called {@code raise_exception}; the message is the template's. */
        RAISED,
        /** jinja2 would fail as well (undefined attribute, type error, sandbox violation). */
        RENDER
    }

    private final Kind kind;

    TemplateError(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /**
     * @return why the template did not render
     */
    public Kind kind() {
        return kind;
    }

    static TemplateError syntax(int line, String what) {
        return new TemplateError(Kind.SYNTAX, "line " + line + ": " + what);
    }

    static TemplateError unsupported(String what) {
        return new TemplateError(Kind.UNSUPPORTED, what + " is not supported by this renderer"
                + " (it renders only what it can render exactly as jinja2 does)");
    }

    static TemplateError render(String what) {
        return new TemplateError(Kind.RENDER, what);
    }
}
