package io.maskimpact.input;

import io.maskimpact.analysis.MaskMode;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.output.PairResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    private final MaskMode defaultMaskMode;

    /** The outcome: pairs in manifest order, and one rejection per bad row. */
    public record Result(List<PairSpec> pairs, List<PairResult> rejected) {
    }

    /**
     * @param paths resolves image references
     * @param defaultMaxNewTokens used when a row has no {@code max_new_tokens}
     * @param defaultMaskMode used when a row has no {@code mask_mode}
     */
    public PairValidator(ImagePaths paths, int defaultMaxNewTokens, MaskMode defaultMaskMode) {
        this.paths = paths;
        this.defaultMaxNewTokens = defaultMaxNewTokens;
        this.defaultMaskMode = defaultMaskMode;
    }

    /**
     * @param rows manifest rows in file order
     * @return the valid pairs and the rejections
     */
    public Result validate(List<ManifestRow> rows) {
        List<PairSpec> pairs = new ArrayList<>();
        List<PairResult> rejected = new ArrayList<>();
        Map<String, Integer> firstRow = new HashMap<>();
        for (ManifestRow r : rows) {
            String id = r.pairId() == null ? "" : r.pairId().strip();
            PairResult.Input raw = new PairResult.Input(id.isEmpty() ? null : id, r.image(), null, r.question(),
                    r.maskMode(), 0);
            if (id.isEmpty()) {
                rejected.add(reject(raw, OutputSchema.STAGE_MANIFEST, InputErrors.missingPairId(r.row())));
                continue;
            }
            Integer first = firstRow.putIfAbsent(id, r.row());
            if (first != null) {
                rejected.add(reject(raw, OutputSchema.STAGE_MANIFEST, InputErrors.duplicatePairId(id, r.row(), first)));
                continue;
            }
            int maxNewTokens = defaultMaxNewTokens;
            if (!blank(r.maxNewTokens())) {
                maxNewTokens = parseTokens(r.maxNewTokens());
                if (maxNewTokens < 1) {
                    rejected.add(reject(raw, OutputSchema.STAGE_MANIFEST,
                            InputErrors.badMaxNewTokens(id, r.maxNewTokens(), MAX_NEW_TOKENS_LIMIT)));
                    continue;
                }
            }
            MaskMode mode = defaultMaskMode;
            if (!blank(r.maskMode())) {
                try {
                    mode = MaskMode.parse(r.maskMode());
                } catch (IllegalArgumentException e) {
                    rejected.add(reject(raw, OutputSchema.STAGE_MANIFEST, InputErrors.badMaskMode(id, r.maskMode())));
                    continue;
                }
            }
            if (blank(r.question())) {
                rejected.add(reject(raw, OutputSchema.STAGE_PROMPT, InputErrors.emptyQuestion(id)));
                continue;
            }
            if (blank(r.image())) {
                rejected.add(reject(raw, OutputSchema.STAGE_IMAGE, InputErrors.emptyImage(id)));
                continue;
            }
            String uri;
            try {
                uri = paths.resolve(id, r.image().strip());
            } catch (IllegalArgumentException e) {
                rejected.add(reject(raw, OutputSchema.STAGE_IMAGE, e.getMessage()));
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

    private static PairResult reject(PairResult.Input raw, String stage, String message) {
        return PairResult.rejected(raw, stage, "InvalidManifestRow", message);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
