-- Which layers' local impact best predicts the output effect? Over every (pair, step, token hidden
-- alone) of a run with --effects (the view impact_effects): Spearman's rank correlation, per layer,
-- between the token's Full l2 distance at that layer and the effect of hiding it at the run's effect
-- layers on the next-token distribution (KL divergence, and the drop of the generated token's
-- probability). Ranks are averaged over ties, so the figure is Pearson's correlation of the ranks.
-- Used by: 06_effects.ipynb
-- expect: rows >= 1
-- expect: units >= 2
-- expect: spearman_kl between -1 and 1
-- expect: spearman_prob_drop between -1 and 1
WITH keyed AS (
  SELECT run_id, layers, layer, l2_distance AS impact, kl_divergence AS kl, prob_drop AS dropped
  FROM impact_effects
  WHERE variant = 'Full'
),
ranked AS (
  SELECT run_id, layers, layer,
         rank() OVER (PARTITION BY run_id, layers, layer ORDER BY impact)
           + (count(*) OVER (PARTITION BY run_id, layers, layer, impact) - 1) / 2.0 AS impact_rank,
         rank() OVER (PARTITION BY run_id, layers, layer ORDER BY kl)
           + (count(*) OVER (PARTITION BY run_id, layers, layer, kl) - 1) / 2.0 AS kl_rank,
         rank() OVER (PARTITION BY run_id, layers, layer ORDER BY dropped)
           + (count(*) OVER (PARTITION BY run_id, layers, layer, dropped) - 1) / 2.0 AS dropped_rank
  FROM keyed
)
SELECT run_id, layers, layer, count(*) AS units,
       corr(impact_rank, kl_rank) AS spearman_kl,
       corr(impact_rank, dropped_rank) AS spearman_prob_drop
FROM ranked
GROUP BY run_id, layers, layer
ORDER BY run_id, layers, layer
