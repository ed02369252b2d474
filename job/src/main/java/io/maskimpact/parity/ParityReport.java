package io.maskimpact.parity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The differences between the engine and the transformers reference, stage by stage.
 *
 * <p>A value passes when {@code |engine - reference| <= TOLERANCE * max(1, |reference|)}: absolute
 * below 1, relative above (the error reported per stage is that scaled difference). Ids, tokens and
 * texts must be equal.
 */
public final class ParityReport {
    /** The largest scaled difference a value may have. */
    public static final double TOLERANCE = 1e-4;
    /** Mismatches kept in full, per stage, for the report. */
    private static final int EXAMPLES = 3;

    private final Map<String, Stage> stages = new LinkedHashMap<>();
    private final List<String> mismatches = new ArrayList<>();

    /** One stage's comparison so far. */
    public static final class Stage {
        private final String name;
        private long compared;
        private long failed;
        private double maxAbs;
        private double maxError;
        private String worst = "";

        Stage(String name) {
            this.name = name;
        }

        /** @return the stage's name */
        public String name() {
            return name;
        }

        /** @return values or items compared */
        public long compared() {
            return compared;
        }

        /** @return values beyond tolerance, or unequal items */
        public long failed() {
            return failed;
        }

        /** @return the largest absolute difference */
        public double maxAbs() {
            return maxAbs;
        }

        /** @return the largest scaled difference (see {@link ParityReport}) */
        public double maxError() {
            return maxError;
        }
    }

    private Stage stage(String name) {
        return stages.computeIfAbsent(name, Stage::new);
    }

    /**
     * Compares numbers element by element.
     *
     * @param stage the stage
     * @param where which pair, step and tensor, for the report
     * @param engine the engine's values
     * @param reference transformers' values
     */
    public void numbers(String stage, String where, float[] engine, float[] reference) {
        Stage s = stage(stage);
        if (engine.length != reference.length) {
            s.failed++;
            mismatch(s, where + ": " + engine.length + " values, reference has " + reference.length);
            return;
        }
        for (int i = 0; i < engine.length; i++) {
            double abs = Math.abs((double) engine[i] - reference[i]);
            double error = abs / Math.max(1.0, Math.abs(reference[i]));
            if (!(error <= TOLERANCE)) {           // NaN fails too
                s.failed++;
                mismatch(s, where + "[" + i + "]: engine " + engine[i] + ", reference " + reference[i]);
            }
            s.compared++;
            if (abs > s.maxAbs || Double.isNaN(abs)) {
                s.maxAbs = abs;
            }
            if (error > s.maxError || Double.isNaN(error)) {
                s.maxError = error;
                s.worst = where + "[" + i + "]";
            }
        }
    }

    /**
     * Compares two items that must be equal.
     *
     * @param stage the stage
     * @param where which pair and item, for the report
     * @param engine the engine's item
     * @param reference transformers' item
     */
    public void equal(String stage, String where, String engine, String reference) {
        Stage s = stage(stage);
        s.compared++;
        if (!engine.equals(reference)) {
            s.failed++;
            mismatch(s, where + ": engine " + engine + ", reference " + reference);
        }
    }

    private void mismatch(Stage s, String text) {
        if (s.failed <= EXAMPLES) {
            mismatches.add(s.name + " " + text);
        }
    }

    /** @return whether every stage is within tolerance and every item equal */
    public boolean passed() {
        return stages.values().stream().allMatch(s -> s.failed == 0);
    }

    /** @return the stages in the order they were first compared */
    public List<Stage> stages() {
        return List.copyOf(stages.values());
    }

    /** @return the first mismatches of each stage */
    public List<String> mismatches() {
        return List.copyOf(mismatches);
    }

    /** @return a table of the stages, then the first mismatches */
    public String format() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-22s %10s %8s %12s %12s  %s%n",
                "stage", "compared", "failed", "max |diff|", "max error", "worst at"));
        for (Stage s : stages.values()) {
            out.append(String.format(Locale.ROOT, "%-22s %10d %8d %12.3e %12.3e  %s%n", s.name, s.compared, s.failed,
                    s.maxAbs, s.maxError, s.worst));
        }
        for (String m : mismatches) {
            out.append("  ").append(m).append('\n');
        }
        out.append(passed() ? "PASS" : "FAIL").append(String.format(Locale.ROOT,
                ": every value within %.0e (absolute below 1, relative above), ids and tokens equal%n", TOLERANCE));
        return out.toString();
    }
}
