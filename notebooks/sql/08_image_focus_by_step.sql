-- Where in the image does the model look at each step? For every pair, step and grid cell: the
-- Full l2 distance of the cell's vision token, divided by the largest among the image's tokens of
-- that (pair, step, layer) and averaged over layers; with the cell's box in image-relative
-- coordinates (mi_patch_box over a 1 x 1 image: multiply by the image's width and height).
-- Used by: 04_where_it_looks.ipynb
-- expect: rows >= 1
-- expect: focus between 0 and 1
-- expect: x between 0 and 1
-- expect: y between 0 and 1
-- expect: width between 0 and 1
-- expect: height between 0 and 1
WITH vision AS (
  SELECT run_id, pair_id, generation_step, layer, patch_row, patch_col,
         mi_normalize(l2_distance) AS focus
  FROM impact
  WHERE variant = 'Full' AND token_kind = 'vision'
),
per_cell AS (
  SELECT v.pair_id, v.generation_step, v.patch_row, v.patch_col, avg(v.focus) AS focus,
         mi_patch_box(v.patch_row, v.patch_col, p.grid_rows, p.grid_cols, 1, 1) AS box
  FROM vision v
  JOIN pairs p ON p.run_id = v.run_id AND p.pair_id = v.pair_id
  GROUP BY v.pair_id, v.generation_step, v.patch_row, v.patch_col, p.grid_rows, p.grid_cols
)
SELECT pair_id, generation_step, patch_row, patch_col, focus,
       box.x AS x, box.y AS y, box.width AS width, box.height AS height
FROM per_cell
ORDER BY pair_id, generation_step, patch_row, patch_col
