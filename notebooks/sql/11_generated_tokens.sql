-- What the model generated at each step, with its probability: the titles of the per-step maps.
-- Used by: 04_where_it_looks.ipynb
-- expect: rows >= 1
-- expect: generated_prob between 0 and 1
-- expect: generation_step >= 0
SELECT s.pair_id, s.generation_step, s.generated_token, s.generated_prob, p.image_uri, p.question
FROM steps s
JOIN pairs p ON p.run_id = s.run_id AND p.pair_id = s.pair_id
ORDER BY s.pair_id, s.generation_step
