-- How much attention does each head pay to the image? The attention weight a head gives all
-- vision tokens together at the predicting position (AttnWeight_Head_<h>, summed over the image's
-- tokens), averaged over pairs and steps. Weights of one query sum to 1 over all keys.
-- Used by: 03_heads.ipynb
-- expect: rows >= 1
-- expect: head between 0 and 1000
-- expect: image_attention between 0 and 1
WITH per_step AS (
  SELECT pair_id, generation_step, layer,
         CAST(substring(variant, 17) AS INT) AS head,
         sum(l2_distance) AS image_attention
  FROM impact
  WHERE variant LIKE 'AttnWeight\_Head\_%' AND token_kind = 'vision'
  GROUP BY pair_id, generation_step, layer, variant
)
SELECT layer, head, avg(image_attention) AS image_attention, count(*) AS steps
FROM per_step
GROUP BY layer, head
ORDER BY layer, head
