package io.maskimpact.input;

import io.maskimpact.schema.OutputSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks manifest rows on the driver and splits them into pairs to analyse and rejected rows.
 *
 * <p>A rejected row becomes one {@code errors} row (stage {@code manifest}, {@code image} or
 * {@code prompt}) and no {@code pairs} row; the run goes on without it. Checks: a non-empty,
 * unique {@code pair_id} (the first row with an id is kept, later duplicates are rejected), a
 * non-empty question and image reference, an image inside the manifest's folder unless external
 * images are allowed, and valid optional {@code max_new_tokens} and {@code mask_mode} cells.
 * Whether the image file exists and decodes is checked later, on the executor that reads it.
 */
public final class PairValidator {
    /** The largest {@code max_new_tokens} a manifest may ask for. */
    public static final int MAX_NEW_TOKENS_LIMIT = 1024;

    private final ImagePaths paths;
    private final int defaultMaxNewTokens;
    private final String defaultMaskMode;
    private final Set<String> maskModes;

    /** The outcome: pairs in manifest order, and one rejection per bad row. */
    public record Result(List<PairSpec> pairs, List<Rejection> rejected) {
    }

    /**
     * A manifest row that cannot be used, with what the row held.
     *
     * @param pairId the row's pair_id, or null when it has none
     * @param image the row's image reference
     * @param question the row's question
     * @param maskMode the row's mask_mode cell
     * @param stage the {@code errors} stage
     * @param message one line: what, which row, what to do
     */
    public record Rejection(String pairId, String image, String question, String maskMode, String stage,
                            String message) {
        /** The error class of every manifest row rejection. */
        public static final String ERROR_CLASS = "InvalidManifestRow";
    }

    /**
     * @param paths resolves image references
     * @param defaultMaxNewTokens used when a row has no {@code max_new_tokens}
     * @param defaultMaskMode used when a row has no {@code mask_mode}, lower case
     * @param maskModes the mask modes a row may ask for, lower case
     */
    public PairValidator(ImagePaths paths, int defaultMaxNewTokens, String defaultMaskMode, Set<String> maskModes) {
        this.paths = paths;
        this.defaultMaxNewTokens = defaultMaxNewTokens;
        this.defaultMaskMode = defaultMaskMode;
        this.maskModes = Set.copyOf(maskModes);
    }

    /**
     * @param rows manifest rows in file order
     * @return the valid pairs and the rejections
     */
    public Result validate(List<ManifestRow> rows) {
        List<PairSpec> pairs = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        Map<String, Integer> firstRow = new HashMap<>();
        for (ManifestRow r : rows) {
            String id = r.pairId() == null ? "" : r.pairId().strip();
            String rawId = id.isEmpty() ? null : id;
            if (id.isEmpty()) {
                rejected.add(reject(rawId, r, OutputSchema.STAGE_MANIFEST, InputErrors.missingPairId(r.row())));
                continue;
            }
            Integer first = firstRow.putIfAbsent(id, r.row());
            if (first != null) {
                rejected.add(reject(rawId, r, OutputSchema.STAGE_MANIFEST, InputErrors.duplicatePairId(id, r.row(), first)));
                continue;
            }
            int maxNewTokens = defaultMaxNewTokens;
            if (!blank(r.maxNewTokens())) {
                maxNewTokens = parseTokens(r.maxNewTokens());
                if (maxNewTokens < 1) {
                    rejected.add(reject(rawId, r, OutputSchema.STAGE_MANIFEST,
                            InputErrors.badMaxNewTokens(id, r.maxNewTokens(), MAX_NEW_TOKENS_LIMIT)));
                    continue;
                }
            }
            String mode = defaultMaskMode;
            if (!blank(r.maskMode())) {
                mode = r.maskMode().strip().toLowerCase(Locale.ROOT);
                if (!maskModes.contains(mode)) {
                    rejected.add(reject(rawId, r, OutputSchema.STAGE_MANIFEST, InputErrors.badMaskMode(id, r.maskMode(), maskModes)));
                    continue;
                }
            }
            if (blank(r.question())) {
                rejected.add(reject(rawId, r, OutputSchema.STAGE_PROMPT, InputErrors.emptyQuestion(id)));
                continue;
            }
            if (blank(r.image())) {
                rejected.add(reject(rawId, r, OutputSchema.STAGE_IMAGE, InputErrors.emptyImage(id)));
                continue;
            }
            String uri;
            try {
                uri = paths.resolve(id, r.image().strip());
            } catch (IllegalArgumentException e) {
                rejected.add(reject(rawId, r, OutputSchema.STAGE_IMAGE, e.getMessage()));
                continue;
            }
            pairs.add(new PairSpec(r.row(), id, r.image().strip(), uri, r.question().strip(), maxNewTokens, mode));
        }
        return new Result(pairs, rejected);
    }

    /** @return the value, or -1 when it is not a whole number in range */
    private static int parseTokens(String value) {
        try {
            int n = Integer.parseInt(value.strip());
            return n >= 1 && n <= MAX_NEW_TOKENS_LIMIT ? n : -1;
        } catch (NumberFormatException e) {
            // JSON and Parquet manifests may carry 3.0 for 3
            try {
                double d = Double.parseDouble(value.strip());
                return d == Math.rint(d) && d >= 1 && d <= MAX_NEW_TOKENS_LIMIT ? (int) d : -1;
            } catch (NumberFormatException e2) {
                return -1;
            }
        }
    }

    private static Rejection reject(String pairId, ManifestRow row, String stage, String message) {
        return new Rejection(pairId, row.image(), row.question(), row.maskMode(), stage, message);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
