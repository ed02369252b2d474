-- Do heads specialise? For every (layer, head): the share of the head's output change that comes
-- from masking vision, question, generated and special tokens (Head_<h> l2 distances, as shares of
-- their (pair, step, layer) total, summed per kind).
-- Used by: 03_heads.ipynb
-- expect: rows >= 1
-- expect: head between 0 and 1000
-- expect: vision_share between 0 and 1
-- expect: text_share between 0 and 1
-- expect: generated_share between 0 and 1
-- expect: special_share between 0 and 1
WITH heads AS (
  SELECT layer,
         CAST(substring(variant, 6) AS INT) AS head,
         token_kind,
         mi_normalize(l2_distance, 'sum') AS share
  FROM impact
  WHERE variant LIKE 'Head\_%'
)
SELECT layer, head,
       coalesce(sum(CASE WHEN token_kind = 'vision' THEN share END), 0) / sum(share)    AS vision_share,
       coalesce(sum(CASE WHEN token_kind = 'text' THEN share END), 0) / sum(share)      AS text_share,
       coalesce(sum(CASE WHEN token_kind = 'generated' THEN share END), 0) / sum(share) AS generated_share,
       coalesce(sum(CASE WHEN token_kind = 'special' THEN share END), 0) / sum(share)   AS special_share
FROM heads
GROUP BY layer, head
ORDER BY layer, head
