-- Where in the image does the model look at each step? For every pair, step and vision token (a grid
-- cell of one image region: the image, or a tile or the global image of an image split into tiles):
-- the Full l2 distance of the token, divided by the largest among the image's tokens of that
-- (pair, step, layer) and averaged over layers; with the cell's box in the original image's pixels
-- (mi_patch_box over the token's region, pairs.regions[image_index]). Runs written before regions were
-- recorded read image_index, region_kind and the box as null.
-- Used by: 04_where_it_looks.ipynb
-- expect: rows >= 1
-- expect: focus between 0 and 1
-- expect: image_index >= 0
-- expect: region_kind not null
-- expect: x >= 0
-- expect: y >= 0
-- expect: width >= 0
-- expect: height >= 0
WITH vision AS (
  SELECT run_id, pair_id, generation_step, layer, image_index, patch_row, patch_col,
         mi_normalize(l2_distance) AS focus
  FROM impact
  WHERE variant = 'Full' AND token_kind = 'vision'
),
per_cell AS (
  SELECT run_id, pair_id, generation_step, image_index, patch_row, patch_col, avg(focus) AS focus
  FROM vision
  GROUP BY run_id, pair_id, generation_step, image_index, patch_row, patch_col
),
placed AS (
  SELECT c.pair_id, c.generation_step, c.image_index, c.patch_row, c.patch_col, c.focus,
         p.regions[c.image_index] AS region
  FROM per_cell c
  JOIN pairs p ON p.run_id = c.run_id AND p.pair_id = c.pair_id
),
boxed AS (
  SELECT *, mi_patch_box(patch_row, patch_col, region) AS box
  FROM placed
)
SELECT pair_id, generation_step, image_index, region.kind AS region_kind, patch_row, patch_col, focus,
       box.x AS x, box.y AS y, box.width AS width, box.height AS height
FROM boxed
ORDER BY pair_id, generation_step, image_index, patch_row, patch_col
