package io.maskimpact.query;

/** How {@code query} prints a result: {@code --output table|csv|json}. */
public enum ResultFormat {
    /** Aligned columns for a terminal; control characters in values are escaped. */
    TABLE,
    /** RFC 4180 CSV with a header line; null is an empty field. */
    CSV,
    /** JSON Lines: one object per row, null fields left out (Spark's {@code toJSON}). */
    JSON;

    /** @return the Spark data source that {@code --save} writes in this format (table: Parquet) */
    String saveSource() {
        return this == TABLE ? "parquet" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
