package io.maskimpact.analysis;

import io.maskimpact.model.TokenKind;
import java.util.Locale;

/**
 * Which input tokens are masked, one at a time.
 *
 * <p>{@code TEXT} masks question tokens and tokens generated at earlier steps, {@code VISION}
 * masks image patch tokens, {@code BOTH} masks both. Special (template) tokens are masked only
 * when {@link AnalysisOptions#maskSpecial()} is set.
 */
public enum MaskMode {
    TEXT, VISION, BOTH;

    /**
     * @param kind a token's kind
     * @param maskSpecial whether special tokens are maskable too
     * @return whether a token of this kind is masked in this mode
     */
    public boolean masks(TokenKind kind, boolean maskSpecial) {
        return switch (kind) {
            case TEXT, GENERATED -> this != VISION;
            case VISION -> this != TEXT;
            case SPECIAL -> maskSpecial;
        };
    }

    /** @return the name a manifest or option uses for this mode, lower case */
    public String columnValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return every mode's name, lower case */
    public static java.util.Set<String> names() {
        return java.util.Arrays.stream(values()).map(MaskMode::columnValue).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * @param value {@code text}, {@code vision} or {@code both}, any case
     * @return the mode
     * @throws IllegalArgumentException for any other value
     */
    public static MaskMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Unknown mask mode '" + value + "' (expected text, vision or both)", e);
        }
    }
}
