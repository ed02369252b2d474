-- The same shares by layer instead of step: where in the depth of the model do image tokens
-- matter, and where the question's words?
-- Used by: 02_image_vs_text.ipynb
-- expect: rows >= 1
-- expect: share between 0 and 1
-- expect: share sums to 1 per layer
WITH shares AS (
  SELECT layer, token_kind, mi_normalize(l2_distance, 'sum') AS share
  FROM impact
  WHERE variant = 'Full'
),
per_group AS (
  SELECT layer, token_kind, sum(share) AS share
  FROM shares
  GROUP BY layer, token_kind
)
SELECT layer, token_kind,
       share / sum(share) OVER (PARTITION BY layer) AS share
FROM per_group
ORDER BY layer, token_kind
