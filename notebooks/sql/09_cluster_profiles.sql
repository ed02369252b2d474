-- The KMeans clusters of tokens by impact profile across layers (written by 'analyze'): each
-- cluster's centre, layer by layer. Cluster 0 is the most impactful.
-- Used by: 05_clusters.ipynb
-- expect: rows >= 2
-- expect: center between 0 and 1
-- expect: cluster_size >= 1
-- expect: cluster between 0 and 1000
SELECT cluster, cluster_size, layer, center, variant, metric
FROM cluster_profiles
ORDER BY cluster, layer
