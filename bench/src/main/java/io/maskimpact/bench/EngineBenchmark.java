package io.maskimpact.bench;

import io.maskimpact.analysis.Algorithm;
import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.ImpactAnalyzer;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.analysis.StepImpact;
import io.maskimpact.analysis.VariantSet;
import io.maskimpact.input.PairRejection;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.Vlm;
import io.maskimpact.model.image.ProcessorOverrides;
import io.maskimpact.family.Families;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Exact closed-form masking against the naive re-run, on the same pairs in one run, per model.
 *
 * <p>Both algorithms analyse the same toy pairs (mask mode {@code both}, default variants); each
 * is warmed up on one pair first. Besides the time ratio it checks that both produced the same
 * row keys and reports the largest difference of any distance.
 */
public final class EngineBenchmark {

    /**
     * A model to time, and the side its toy images are resized to.
     *
     * @param dir the model folder
     * @param imageSide 0: the toy images as drawn (96x96); else they are resized to this side, and a Qwen-VL model's
     *     image processor takes them at that size ({@code --max-pixels} raised to side x side): a model whose grid
     *     follows the image is timed at several image sizes this way
     */
    public record Target(Path dir, int imageSide) {
        /**
         * @param spec {@code DIR} or {@code DIR@SIDE}
         * @param resolve turns the folder's text into a path
         * @return the target
         * @throws IllegalArgumentException when SIDE is not a positive number
         */
        public static Target parse(String spec, java.util.function.Function<String, Path> resolve) {
            int at = spec.lastIndexOf('@');
            if (at < 0) {
                return new Target(resolve.apply(spec), 0);
            }
            int side;
            try {
                side = Integer.parseInt(spec.substring(at + 1));
            } catch (NumberFormatException e) {
                side = -1;
            }
            if (side < 1) {
                throw new IllegalArgumentException("'" + spec + "': the image side after @ must be a positive number of pixels");
            }
            return new Target(resolve.apply(spec.substring(0, at)), side);
        }

        /** @return the image processor's settings: max pixels raised to side x side when the images are resized */
        public ProcessorOverrides pixelBounds() {
            return imageSide > 0 ? new ProcessorOverrides(null, (long) imageSide * imageSide, null) : ProcessorOverrides.NONE;
        }

        /** @return the folder's name, with {@code @SIDE} when the images are resized */
        public String label() {
            return dir.getFileName() + (imageSide > 0 ? "@" + imageSide : "");
        }
    }

    /**
     * One model's result.
     *
     * @param model the model directory name, with {@code @SIDE} when its images were resized
     * @param gridRows image grid rows
     * @param gridCols image grid columns
     * @param pairs pairs timed per algorithm
     * @param rows impact rows per algorithm
     * @param exactSeconds wall time of the exact algorithm
     * @param naiveSeconds wall time of the naive algorithm
     * @param sameKeys whether both produced identical (step, layer, position, variant) keys
     * @param maxAbsDiff largest |exact - naive| over both distance columns
     */
    public record Result(String model, int gridRows, int gridCols, int pairs, long rows, double exactSeconds, double naiveSeconds,
                         boolean sameKeys, double maxAbsDiff) {

        /** @return how many times faster exact is */
        public double speedup() {
            return naiveSeconds / exactSeconds;
        }
    }

    private EngineBenchmark() {
    }

    /**
     * @param target a model directory and its image size
     * @param pairs pairs to time per algorithm (after one warm-up pair)
     * @param maxNewTokens generation steps per pair
     * @return the measurement
     */
    public static Result run(Target target, int pairs, int maxNewTokens) throws ModelLoadException, PairRejection {
        try (Vlm model = Families.load(target.dir(), "cpu", target.pixelBounds())) {
            AnalysisOptions exact = new AnalysisOptions(MaskMode.BOTH, maxNewTokens, VariantSet.DEFAULT, Algorithm.EXACT, false);
            List<PairRequest> requests = CostBenchmark.requests(pairs + 1, maxNewTokens, target.imageSide());   // + 1 warm-up
            List<PairImpact> exactOut = new ArrayList<>();
            List<PairImpact> naiveOut = new ArrayList<>();
            double exactSeconds = time(new ImpactAnalyzer(model, exact), requests, exactOut);
            double naiveSeconds = time(new ImpactAnalyzer(model, exact.withAlgorithm(Algorithm.NAIVE)), requests, naiveOut);
            boolean sameKeys = true;
            double maxDiff = 0;
            long rows = 0;
            for (int p = 0; p < exactOut.size(); p++) {
                List<StepImpact> a = exactOut.get(p).steps();
                List<StepImpact> b = naiveOut.get(p).steps();
                sameKeys &= a.size() == b.size();
                for (int s = 0; s < Math.min(a.size(), b.size()); s++) {
                    StepImpact x = a.get(s);
                    StepImpact y = b.get(s);
                    sameKeys &= java.util.Arrays.equals(x.layer(), y.layer()) && java.util.Arrays.equals(x.position(), y.position())
                            && java.util.Arrays.equals(x.variant(), y.variant());
                    rows += x.rowCount();
                    for (int r = 0; r < Math.min(x.rowCount(), y.rowCount()); r++) {
                        maxDiff = Math.max(maxDiff, Math.abs(x.l2()[r] - y.l2()[r]));
                        maxDiff = Math.max(maxDiff, Math.abs(x.cosine()[r] - y.cosine()[r]));
                    }
                }
            }
            PairImpact first = exactOut.get(0);
            return new Result(target.label(), first.gridRows(), first.gridCols(), pairs, rows, exactSeconds, naiveSeconds,
                    sameKeys, maxDiff);
        }
    }

    /** Analyses every request, timing all but the first (the warm-up), and keeps the timed results. */
    private static double time(ImpactAnalyzer analyzer, List<PairRequest> requests, List<PairImpact> out) throws PairRejection {
        analyzer.analyze(requests.get(0));
        long start = System.nanoTime();
        for (PairRequest request : requests.subList(1, requests.size())) {
            out.add(analyzer.analyze(request));
        }
        return (System.nanoTime() - start) / 1e9;
    }


    /**
     * @param results one row per model
     * @param command the command line that produced them
     * @return a Markdown section for docs/BENCHMARKS.md
     */
    public static String markdown(List<Result> results, String command) {
        StringBuilder md = new StringBuilder();
        md.append("## Engine: exact closed form vs naive re-run\n\n");
        md.append(Machine.describe()).append("\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append("| model | grid | pairs | rows | exact s | naive s | speed-up | same keys | max abs diff |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %dx%d | %d | %d | %.3f | %.3f | %.1fx | %s | %.2e |%n",
                    r.model(), r.gridRows(), r.gridCols(), r.pairs(), r.rows(), r.exactSeconds(), r.naiveSeconds(), r.speedup(),
                    r.sameKeys() ? "yes" : "NO", r.maxAbsDiff()));
        }
        return md.toString();
    }
}
