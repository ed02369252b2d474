-- Image or text: which kind of token carries the impact at each generation step? Within every
-- (pair, step, layer) the Full l2 distances are turned into shares of their total
-- (mi_normalize(..., 'sum')); a kind's share of a step is its shares summed over the step's
-- (pair, layer) groups, divided by the number of groups, so the kinds of a step add up to 1.
-- Used by: 02_image_vs_text.ipynb
-- expect: rows >= 1
-- expect: share between 0 and 1
-- expect: share sums to 1 per generation_step
WITH shares AS (
  SELECT pair_id, generation_step, layer, token_kind,
         mi_normalize(l2_distance, 'sum') AS share
  FROM impact
  WHERE variant = 'Full'
),
per_group AS (
  SELECT generation_step, token_kind, sum(share) AS share
  FROM shares
  GROUP BY generation_step, token_kind
)
SELECT generation_step, token_kind,
       share / sum(share) OVER (PARTITION BY generation_step) AS share
FROM per_group
ORDER BY generation_step, token_kind
