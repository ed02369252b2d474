package io.maskimpact.input;

import io.maskimpact.schema.OutputSchema;
import java.util.List;

/**
 * Every message about bad input, built in one place.
 *
 * <p>Per-pair messages read "Cannot &lt;do X&gt; for pair &lt;id&gt;: &lt;reason&gt; (&lt;value&gt;, expected
 * &lt;range&gt;)" and carry the {@code errors} stage; manifest-level messages read "Cannot read
 * manifest &lt;file&gt;: &lt;reason&gt;" and stop the run.
 */
public final class InputErrors {

    private InputErrors() {
    }

    // ---- whole manifest (fail fast)

    static ManifestException manifestNotFound(String manifest) {
        return new ManifestException("Cannot read manifest " + manifest + ": file not found", null);
    }

    static ManifestException manifestUnreadable(String manifest, Throwable cause) {
        return new ManifestException("Cannot read manifest " + manifest + ": " + oneLine(cause), cause);
    }

    static ManifestException unknownFormat(String manifest) {
        return new ManifestException("Cannot read manifest " + manifest
                + ": unknown format (expected a .csv, .jsonl, .json, .ndjson or .parquet file, or a folder of Parquet files)",
                null);
    }

    static ManifestException notUtf8(String manifest, long line) {
        return new ManifestException("Cannot read manifest " + manifest + ": line " + line
                + " is not valid UTF-8 (save the file as UTF-8)", null);
    }

    static ManifestException badJsonLine(String manifest, long line, String reason) {
        return new ManifestException("Cannot read manifest " + manifest + ": line " + line
                + " is not a JSON object (" + reason + "; expected one object per line)", null);
    }

    static ManifestException missingColumns(String manifest, List<String> missing, List<String> found) {
        return new ManifestException("Cannot read manifest " + manifest + ": missing required column"
                + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " (found: "
                + (found.isEmpty() ? "none" : String.join(", ", found))
                + "; expected pair_id, image, question and optionally max_new_tokens, mask_mode)", null);
    }

    static ManifestException empty(String manifest) {
        return new ManifestException("Cannot read manifest " + manifest + ": it has no rows", null);
    }

    // ---- one manifest row (becomes an errors row)

    static String missingPairId(int row) {
        return "Cannot use manifest row " + row + ": pair_id is empty (every row needs a unique pair_id)";
    }

    static String duplicatePairId(String pairId, int row, int firstRow) {
        return "Cannot use pair " + pairId + " of row " + row + ": duplicate pair_id (row " + firstRow
                + " has it too; the first is kept)";
    }

    static String emptyQuestion(String pairId) {
        return "Cannot build prompt for pair " + pairId + ": the question is empty";
    }

    static String emptyImage(String pairId) {
        return "Cannot read image for pair " + pairId + ": the image column is empty";
    }

    static String badMaxNewTokens(String pairId, String value, int max) {
        return "Cannot use pair " + pairId + ": max_new_tokens is '" + value + "' (expected a whole number from 1 to "
                + max + ")";
    }

    static String badMaskMode(String pairId, String value, java.util.Set<String> accepted) {
        return "Cannot use pair " + pairId + ": mask_mode is '" + value + "' (expected one of "
                + String.join(", ", new java.util.TreeSet<>(accepted)) + ")";
    }

    static String badImageReference(String pairId, String image, String reason) {
        return "Cannot read image for pair " + pairId + ": " + reason + " (" + image + ")";
    }

    static String externalImage(String pairId, String image, String folder) {
        return "Cannot read image for pair " + pairId + ": " + image + " is outside the manifest's folder " + folder
                + " (pass --allow-external-images to read it)";
    }

    // ---- image decoding (PairRejection, stage image)

    static PairRejection imageNotFound(String pairId, String uri) {
        return image(pairId, "file not found (" + uri + ")", null);
    }

    static PairRejection imageEmpty(String pairId, String uri) {
        return image(pairId, "the file is empty (" + uri + ", 0 bytes)", null);
    }

    static PairRejection imageTooLarge(String pairId, String uri, long bytes, long max) {
        return image(pairId, "the file is too large (" + uri + ", " + bytes + " bytes, expected at most " + max + ")",
                null);
    }

    static PairRejection progressiveTooLarge(String pairId, String uri, int width, int height, long maxPixels) {
        return image(pairId, "a progressive JPEG of " + width + "x" + height + " pixels, over --max-image-pixels ("
                + maxPixels + "): the decoder holds all of a progressive JPEG's data whatever the subsampling (~2 bytes "
                + "per pixel and channel); save it as a baseline JPEG or smaller, or raise --max-image-pixels (" + uri + ")",
                null);
    }

    static PairRejection imageUnreadable(String pairId, String uri, Throwable cause) {
        return image(pairId, "the file cannot be read (" + uri + ": " + oneLine(cause) + ")", cause);
    }

    static PairRejection notAnImage(String pairId, String uri) {
        return image(pairId, "not a PNG, JPEG, GIF or BMP image (" + uri + ")", null);
    }

    static PairRejection imageCorrupt(String pairId, String uri, String reason, Throwable cause) {
        return image(pairId, "the image is corrupt or truncated (" + uri + ": " + reason + ")", cause);
    }

    private static PairRejection image(String pairId, String reason, Throwable cause) {
        return new PairRejection(pairId, OutputSchema.STAGE_IMAGE, "Cannot read image for pair " + pairId + ": " + reason,
                cause);
    }

    /**
     * @param t a failure
     * @return its message on one line, or its class name when it has none
     */
    public static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        m = m.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
