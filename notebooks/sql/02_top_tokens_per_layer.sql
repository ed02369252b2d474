-- Which tokens matter most, layer by layer? Each row's Full l2 distance is divided by the largest
-- of its (pair, step, layer) (mi_normalize), averaged per token over pairs and steps, and the five
-- highest per layer are kept (mi_top_tokens). Vision tokens are named by their grid cell.
-- Used by: 01_top_tokens.ipynb
-- expect: rows >= 1
-- expect: mean_impact between 0 and 1
-- expect: layer between 0 and 1000
WITH normalised AS (
  SELECT layer,
         CASE WHEN token_kind = 'vision' THEN concat('patch(', patch_row, ',', patch_col, ')')
              ELSE token_masked END AS token,
         mi_normalize(l2_distance) AS impact
  FROM impact
  WHERE variant = 'Full'
),
per_token AS (
  SELECT layer, token, avg(impact) AS mean_impact
  FROM normalised
  GROUP BY layer, token
),
top AS (
  SELECT layer, mi_top_tokens(token, mean_impact, 5) AS tokens
  FROM per_token
  GROUP BY layer
)
SELECT layer, t.token, t.value AS mean_impact
FROM top LATERAL VIEW inline(tokens) t
ORDER BY layer, mean_impact DESC, token
