/**
 * The viewer's mirror of the output contract (udfs/src/main/java/io/maskimpact/schema/OutputSchema.java):
 * table and column names, in file order. test/schema.test.js compares the two lists, so a renamed
 * column fails a test instead of silently blanking a view.
 */

/** `impact` columns, in file order (generation_step is the partition column, in the path). */
export const IMPACT_COLUMNS = ['run_id', 'pair_id', 'generation_step', 'layer', 'token_position', 'token_masked',
  'token_kind', 'image_index', 'patch_row', 'patch_col', 'variant', 'l2_distance', 'cosine_distance']

/** `effects` columns, in file order (generation_step is the partition column, in the path). */
export const EFFECTS_COLUMNS = ['run_id', 'pair_id', 'generation_step', 'layers', 'token_position', 'unit_size',
  'token_masked', 'token_kind', 'image_index', 'patch_row', 'patch_col', 'kl_divergence', 'prob_drop', 'logit_diff',
  'greedy_rank', 'top1_flip', 'masked_top1_token']

/** `pairs` columns. */
export const PAIRS_COLUMNS = ['run_id', 'pair_id', 'image', 'image_uri', 'question', 'answer', 'status', 'model',
  'mask_mode', 'max_new_tokens', 'grid_rows', 'grid_cols', 'regions', 'token_count', 'num_layers', 'steps', 'impact_rows', 'seconds',
  'executor_id', 'device']

/** `steps` columns. */
export const STEPS_COLUMNS = ['run_id', 'pair_id', 'generation_step', 'generated_token_id', 'generated_token',
  'generated_prob', 'sequence_length', 'impact_rows']

/** `errors` columns. */
export const ERRORS_COLUMNS = ['run_id', 'pair_id', 'stage', 'error_class', 'message']

/** The sort key of rows within an impact file, which makes one view one contiguous run of rows. */
export const IMPACT_SORT_KEY = ['pair_id', 'variant', 'layer', 'token_position']

/** Fields of one element of `pairs.regions`, in file order. */
export const REGION_FIELDS = ['image_index', 'kind', 'grid_rows', 'grid_cols', 'x', 'y', 'width', 'height']

/**
 * The impact columns a view reads (not generation_step, which is in the path). A run written before
 * `image_index` existed lacks it (and runs of one run id may lack `run_id`): optional columns are read only
 * where a file has them.
 */
export const SLAB_COLUMNS = ['run_id', 'pair_id', 'variant', 'layer', 'token_position', 'token_masked', 'token_kind',
  'image_index', 'patch_row', 'patch_col', 'l2_distance', 'cosine_distance']

/** Slab columns that a file may lack. */
export const OPTIONAL_SLAB_COLUMNS = ['run_id', 'image_index']
