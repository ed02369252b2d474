package io.maskimpact.run;

import io.maskimpact.input.PairSpec;
import io.maskimpact.input.PairValidator;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.output.PairResult;
import io.maskimpact.output.TableWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Step 5 of a run: decide what to analyse and how to cut it into commits.
 *
 * <p>Pairs the run already completed are skipped; rejected manifest rows already recorded in
 * {@code errors} by an earlier invocation of the same run are not recorded again. The rest is
 * cut, in manifest order, into commits of {@code --commit-every} pairs; each commit is one Spark
 * job per table, and its pairs become visible together.
 */
final class PlanPairs {

    /**
     * @param commits pairs to analyse, one list per commit
     * @param rejected manifest rows to record as {@code errors} rows (with the first commit)
     * @param skipped pairs skipped because the run completed them before
     */
    record Plan(List<List<PairSpec>> commits, List<PairResult> rejected, int skipped) {

        /** @return pairs to analyse */
        int pairs() {
            return commits.stream().mapToInt(List::size).sum();
        }
    }

    private PlanPairs() {
    }

    static Plan run(PairValidator.Result input, Set<String> done, JobConf conf, TableWriter writer, boolean resuming)
            throws IOException {
        List<PairSpec> todo = input.pairs().stream().filter(p -> !done.contains(p.pairId())).toList();
        List<PairResult> rejected = input.rejected().stream().map(PlanPairs::errorRow).toList();
        if (resuming && !rejected.isEmpty()) {
            Set<String> recorded = recordedErrors(writer, conf.runId());
            rejected = rejected.stream().filter(r -> !recorded.contains(key(r.pairId(), r.errorStage(), r.errorMessage())))
                    .toList();
        }
        List<List<PairSpec>> commits = new ArrayList<>();
        for (int i = 0; i < todo.size(); i += conf.commitEvery()) {
            commits.add(todo.subList(i, Math.min(todo.size(), i + conf.commitEvery())));
        }
        return new Plan(commits, rejected, input.pairs().size() - todo.size());
    }

    /** A rejected manifest row as the output records it: an {@code errors} row and no analysis. */
    private static PairResult errorRow(PairValidator.Rejection r) {
        PairResult.Input raw = new PairResult.Input(r.pairId(), r.image(), null, r.question(), r.maskMode(), 0);
        return PairResult.rejected(raw, r.stage(), PairValidator.Rejection.ERROR_CLASS, r.message());
    }

    private static Set<String> recordedErrors(TableWriter writer, String runId) {
        Set<String> keys = new HashSet<>();
        try {
            for (Row r : writer.read(OutputSchema.ERRORS).where(functions.col(OutputSchema.RUN_ID).equalTo(runId))
                    .select(OutputSchema.PAIR_ID, OutputSchema.STAGE, OutputSchema.MESSAGE).collectAsList()) {
                keys.add(key(r.getString(0), r.getString(1), r.getString(2)));
            }
        } catch (RuntimeException e) {
            // no errors table yet (nothing recorded): every rejection is new
        }
        return keys;
    }

    private static String key(String pairId, String stage, String message) {
        return pairId + "\u0000" + stage + "\u0000" + message;
    }
}
