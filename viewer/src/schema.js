/**
 * The viewer's mirror of the output contract (udfs/src/main/java/io/maskimpact/schema/OutputSchema.java):
 * table and column names, in file order. test/schema.test.js compares the two lists, so a renamed
 * column fails a test instead of silently blanking a view.
 */

/** `impact` columns, in file order (generation_step is the partition column, in the path). */
export const IMPACT_COLUMNS = ['run_id', 'pair_id', 'generation_step', 'layer', 'token_position', 'token_masked',
  'token_kind', 'patch_row', 'patch_col', 'variant', 'l2_distance', 'cosine_distance']

/** `pairs` columns. */
export const PAIRS_COLUMNS = ['run_id', 'pair_id', 'image', 'image_uri', 'question', 'answer', 'status', 'model',
  'mask_mode', 'max_new_tokens', 'grid_rows', 'grid_cols', 'token_count', 'num_layers', 'steps', 'impact_rows', 'seconds',
  'executor_id', 'device']

/** `steps` columns. */
export const STEPS_COLUMNS = ['run_id', 'pair_id', 'generation_step', 'generated_token_id', 'generated_token',
  'generated_prob', 'sequence_length', 'impact_rows']

/** `errors` columns. */
export const ERRORS_COLUMNS = ['run_id', 'pair_id', 'stage', 'error_class', 'message']

/** The sort key of rows within an impact file, which makes one view one contiguous run of rows. */
export const IMPACT_SORT_KEY = ['pair_id', 'variant', 'layer', 'token_position']

/** The impact columns a view reads (not generation_step, which is in the path). */
export const SLAB_COLUMNS = ['run_id', 'pair_id', 'variant', 'layer', 'token_position', 'token_masked', 'token_kind',
  'patch_row', 'patch_col', 'l2_distance', 'cosine_distance']
