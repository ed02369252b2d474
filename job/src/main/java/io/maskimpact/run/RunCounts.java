package io.maskimpact.run;

/**
 * What a run has written, over all its invocations.
 *
 * @param pairsOk pairs analysed
 * @param pairsFailed pairs that failed (an {@code errors} row each)
 * @param impactRows impact rows
 * @param stepRows steps rows
 * @param errorRows errors rows (failed pairs and rejected manifest rows)
 */
record RunCounts(long pairsOk, long pairsFailed, long impactRows, long stepRows, long errorRows) {

    static final RunCounts NONE = new RunCounts(0, 0, 0, 0, 0);

    RunCounts plus(RunCounts o) {
        return new RunCounts(pairsOk + o.pairsOk, pairsFailed + o.pairsFailed, impactRows + o.impactRows,
                stepRows + o.stepRows, errorRows + o.errorRows);
    }
}
