/**
 * Per-token, per-layer masking impact for one pair at a time (docs/ENGINE.md: what one row means, and how).
 *
 * <p>{@link io.maskimpact.analysis.ImpactAnalyzer} runs greedy generation and, at each step and
 * layer, compares the final position's vectors (Full, Attn, each head) with one key hidden, by
 * the exact closed form ({@code ExactMasking}) or the naive re-run ({@code NaiveMasking}). Its
 * results are columnar ({@link io.maskimpact.analysis.StepImpact}); the job turns them into rows.
 * With {@code --effects} it also measures, per step, how the next-token distribution changes when
 * each unit is hidden at every layer ({@code OutputEffects}, {@link io.maskimpact.analysis.StepEffects}).
 * The contract types here ({@link io.maskimpact.analysis.PairRequest},
 * {@link io.maskimpact.analysis.PairImpact}, {@link io.maskimpact.analysis.AnalysisOptions}) are
 * what the Spark job ships and receives.
 */
package io.maskimpact.analysis;
