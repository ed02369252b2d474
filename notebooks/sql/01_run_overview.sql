-- What is in the run: pairs by status, with their steps and impact rows.
-- Used by: 01_top_tokens.ipynb
-- expect: rows >= 1
-- expect: pairs >= 1
-- expect: impact_rows >= 0
SELECT p.status,
       count(*)           AS pairs,
       sum(p.steps)       AS steps,
       sum(p.impact_rows) AS impact_rows,
       max(p.num_layers)  AS layers
FROM pairs p
GROUP BY p.status
ORDER BY p.status
