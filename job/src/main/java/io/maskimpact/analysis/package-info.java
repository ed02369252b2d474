/**
 * Per-token, per-layer masking impact for one pair at a time (docs/ENGINE.md: what one row means, and how).
 *
 * <p>{@link io.maskimpact.analysis.ImpactAnalyzer} runs greedy generation and, at each step and
 * layer, compares the final position's vectors (Full, Attn, each head) with one key hidden, by
 * the exact closed form ({@code ExactMasking}) or the naive re-run ({@code NaiveMasking}). Its
 * results are columnar ({@link io.maskimpact.analysis.StepImpact}); the job turns them into rows.
 * The contract types here ({@link io.maskimpact.analysis.PairRequest},
 * {@link io.maskimpact.analysis.PairImpact}, {@link io.maskimpact.analysis.AnalysisOptions}) are
 * what the Spark job ships and receives.
 */
package io.maskimpact.analysis;
