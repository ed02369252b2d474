-- What kind of tokens fall in each cluster: token kind and token-text class (mi_token_class), as
-- counts and as shares of the cluster.
-- Used by: 05_clusters.ipynb
-- expect: rows >= 2
-- expect: tokens >= 1
-- expect: share between 0 and 1
-- expect: share sums to 1 per cluster
SELECT cluster, token_kind, mi_token_class(token_masked) AS token_class,
       count(*) AS tokens,
       count(*) / sum(count(*)) OVER (PARTITION BY cluster) AS share
FROM token_clusters
GROUP BY cluster, token_kind, mi_token_class(token_masked)
ORDER BY cluster, tokens DESC, token_kind, token_class
