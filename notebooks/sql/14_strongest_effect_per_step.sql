-- Which unit matters most for each step's output? For every (pair, step) of a run with --effects: the
-- unit (a token, or a block of vision cells with --effect-block) whose hiding moves the next-token
-- distribution most (largest KL divergence), the token the step generated, and what the model says
-- instead when the hiding flips its answer.
-- Used by: 06_effects.ipynb
-- expect: rows >= 1
-- expect: kl_divergence >= 0
-- expect: generated_token not null
-- expect: token_masked not null
WITH ranked AS (
  SELECT e.*, row_number() OVER (PARTITION BY e.run_id, e.pair_id, e.generation_step, e.layers
                                 ORDER BY e.kl_divergence DESC, e.token_position) AS place
  FROM effects e
)
SELECT r.pair_id, r.generation_step, r.layers, s.generated_token, r.token_position, r.unit_size, r.token_masked,
       r.token_kind, r.image_index, r.patch_row, r.patch_col, r.kl_divergence, r.prob_drop, r.top1_flip,
       CASE WHEN r.top1_flip THEN r.masked_top1_token END AS flipped_to
FROM ranked r
JOIN steps s ON s.run_id = r.run_id AND s.pair_id = r.pair_id AND s.generation_step = r.generation_step
WHERE r.place = 1
ORDER BY r.pair_id, r.generation_step, r.layers
