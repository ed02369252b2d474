-- One pair's prompt as a heatmap: normalised Full l2 distance by layer (rows) and token position
-- (columns) at generation step 0, for the first analysed pair.
-- Used by: 01_top_tokens.ipynb
-- expect: rows >= 1
-- expect: impact between 0 and 1
-- expect: token_class not null
SELECT layer, token_position, token_masked, token_kind,
       mi_token_class(token_masked) AS token_class,
       mi_normalize(l2_distance)    AS impact
FROM impact
WHERE variant = 'Full'
  AND generation_step = 0
  AND pair_id = (SELECT min(pair_id) FROM pairs WHERE status = 'ok')
ORDER BY layer, token_position
