-- The most typical tokens of each cluster: the five closest to the cluster's centre
-- (mi_top_tokens over the negated distance), named pair#step:token.
-- Used by: 05_clusters.ipynb
-- expect: rows >= 2
-- expect: distance >= 0
-- expect: example not null
WITH examples AS (
  SELECT cluster,
         mi_top_tokens(concat(pair_id, '#', generation_step, ':', token_masked), -cluster_distance, 5) AS top
  FROM token_clusters
  GROUP BY cluster
)
SELECT cluster, t.token AS example, -t.value AS distance
FROM examples LATERAL VIEW inline(top) t
ORDER BY cluster, distance, example
