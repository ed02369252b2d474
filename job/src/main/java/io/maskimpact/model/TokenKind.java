package io.maskimpact.model;

/** What an input token is, as written to the {@code token_kind} column. */
public enum TokenKind {
    /** A token of the user's question. */
    TEXT("text"),
    /** An image patch token; it has a grid cell. */
    VISION("vision"),
    /** A token the model generated at an earlier step. */
    GENERATED("generated"),
    /** A chat-template, BOS or other special token. */
    SPECIAL("special");

    private final String columnValue;

    TokenKind(String columnValue) {
        this.columnValue = columnValue;
    }

    /** @return the value stored in the {@code token_kind} column */
    public String columnValue() {
        return columnValue;
    }
}
