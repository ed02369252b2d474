package io.maskimpact.schema;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The output contract of a run: table names, column names, column types and the sort key
 * (README.md, "Output", describes it for users).
 *
 * <p>Every writer, reader, test, notebook and the viewer's mirror of this list use these
 * constants; a column name is never spelled out anywhere else. Column order in the
 * {@code StructType}s is the order in the files and in CSV exports. Layout of a run folder:
 *
 * <pre>
 * &lt;out&gt;/impact/generation_step=&lt;t&gt;/part-*.zstd.parquet   long table, one row per
 *                                                     (pair, step, layer, token, variant)
 * &lt;out&gt;/effects/generation_step=&lt;t&gt;/   one row per (pair, step, masked unit) with
 *                   {@code --effects}: the output's change when the unit is hidden at every layer
 * &lt;out&gt;/pairs/   one row per pair and run (status ok or error)
 * &lt;out&gt;/steps/   one row per pair, run and generation step
 * &lt;out&gt;/errors/  one row per rejected input (a pair may have several: duplicates)
 * &lt;out&gt;/_manifest.json  written last: run metadata and every table's files
 * &lt;out&gt;/analysis/layer_summary/, token_clusters/, cluster_profiles/   written by {@code analyze}
 *                   (Parquet), listed in the manifest under {@value #MANIFEST_ANALYSIS_KEY}
 * </pre>
 */
public final class OutputSchema {

    /** The long table of distances. */
    public static final String IMPACT = "impact";
    /** Output effects: one row per (pair, step, unit hidden at a window of layers); empty without {@code --effects}. */
    public static final String EFFECTS = "effects";
    /** One row per analysed or rejected pair. */
    public static final String PAIRS = "pairs";
    /** One row per generation step of an analysed pair. */
    public static final String STEPS = "steps";
    /** One row per rejection. */
    public static final String ERRORS = "errors";
    /** The tables in the order a run writes them; {@link #PAIRS} is last because it marks pairs complete. */
    public static final List<String> TABLES = List.of(IMPACT, EFFECTS, STEPS, ERRORS, PAIRS);

    /** Run metadata and file listing, written after every table is committed. */
    public static final String MANIFEST_FILE = "_manifest.json";
    /** Per-run records written when a run starts; lets {@code --mode resume} find an unfinished run. */
    public static final String RUNS_DIR = "_runs";
    /** Spreadsheet export folder ({@code --csv}). */
    public static final String CSV_DIR = "csv";

    // ---- shared columns
    public static final String RUN_ID = "run_id";
    public static final String PAIR_ID = "pair_id";
    public static final String GENERATION_STEP = "generation_step";

    // ---- impact
    public static final String LAYER = "layer";
    public static final String TOKEN_POSITION = "token_position";
    public static final String TOKEN_MASKED = "token_masked";
    public static final String TOKEN_KIND = "token_kind";
    /**
     * Which image region (an image, a tile or the global image: {@link #REGIONS}) a vision token belongs to;
     * null for other tokens. Runs written before the column read it as null.
     */
    public static final String IMAGE_INDEX = "image_index";
    public static final String PATCH_ROW = "patch_row";
    public static final String PATCH_COL = "patch_col";
    public static final String VARIANT = "variant";
    public static final String L2_DISTANCE = "l2_distance";
    /** 1 - cosine similarity, clamped at 0 (float32 rounding never makes it negative). */
    public static final String COSINE_DISTANCE = "cosine_distance";

    // ---- effects
    /** Which layers hid the unit: {@code all} or {@code A-B}. */
    public static final String LAYERS = "layers";
    /** Tokens the unit hides (1, or up to k x k vision cells with {@code --effect-block k}). */
    public static final String UNIT_SIZE = "unit_size";
    /** KL(baseline || masked) of the next-token distributions, nats. */
    public static final String KL_DIVERGENCE = "kl_divergence";
    /** The baseline's greedy token: its baseline probability minus its masked probability. */
    public static final String PROB_DROP = "prob_drop";
    /** The baseline's greedy token: its baseline logit minus its masked logit. */
    public static final String LOGIT_DIFF = "logit_diff";
    /** The baseline's greedy token's rank under masking, 1 = still on top. */
    public static final String GREEDY_RANK = "greedy_rank";
    /** Whether masking changes the argmax. */
    public static final String TOP1_FLIP = "top1_flip";
    /** The masked distribution's argmax, decoded (untrusted text). */
    public static final String MASKED_TOP1_TOKEN = "masked_top1_token";

    // ---- pairs
    public static final String IMAGE = "image";
    public static final String IMAGE_URI = "image_uri";
    public static final String QUESTION = "question";
    public static final String ANSWER = "answer";
    public static final String STATUS = "status";
    public static final String MODEL = "model";
    public static final String MASK_MODE = "mask_mode";
    public static final String MAX_NEW_TOKENS = "max_new_tokens";
    public static final String GRID_ROWS = "grid_rows";
    public static final String GRID_COLS = "grid_cols";
    /**
     * The pair's image regions, one per {@link #IMAGE_INDEX} in index order ({@code regions[image_index]}
     * in SQL): {@link #REGION_TYPE}. Null for a failed pair, and in runs written before the column.
     */
    public static final String REGIONS = "regions";
    /** A region's kind: {@link #REGION_IMAGE}, {@link #REGION_TILE} or {@link #REGION_GLOBAL}. */
    public static final String REGION_KIND = "kind";
    /** Left edge of a region's box in the original image's pixels (as are y, width and height). */
    public static final String BOX_X = "x";
    public static final String BOX_Y = "y";
    public static final String BOX_WIDTH = "width";
    public static final String BOX_HEIGHT = "height";
    /** {@link #REGION_KIND} of a whole image as the model saw it (resized, maybe cropped). */
    public static final String REGION_IMAGE = "image";
    /** {@link #REGION_KIND} of one tile of an image split into tiles. */
    public static final String REGION_TILE = "tile";
    /** {@link #REGION_KIND} of the downscaled whole image that accompanies tiles. */
    public static final String REGION_GLOBAL = "global";
    public static final String TOKEN_COUNT = "token_count";
    public static final String NUM_LAYERS = "num_layers";
    public static final String STEPS_DONE = "steps";
    public static final String IMPACT_ROWS = "impact_rows";
    public static final String SECONDS = "seconds";
    /** Spark's id of the executor that analysed the pair ({@code driver} in local mode). */
    public static final String EXECUTOR_ID = "executor_id";
    /** The device the pair's forward passes ran on: {@code cpu} or {@code gpu:N}, N the address Spark assigned. */
    public static final String DEVICE = "device";

    /** {@link #STATUS} of an analysed pair. */
    public static final String STATUS_OK = "ok";
    /** {@link #STATUS} of a pair that has an {@link #ERRORS} row instead of impact rows. */
    public static final String STATUS_ERROR = "error";

    // ---- steps
    public static final String GENERATED_TOKEN_ID = "generated_token_id";
    public static final String GENERATED_TOKEN = "generated_token";
    public static final String GENERATED_PROB = "generated_prob";
    public static final String SEQUENCE_LENGTH = "sequence_length";

    // ---- errors
    public static final String STAGE = "stage";
    public static final String ERROR_CLASS = "error_class";
    public static final String MESSAGE = "message";

    /** The {@link #ERRORS} stage of manifest-level rejections (duplicate or missing ids, bad values). */
    public static final String STAGE_MANIFEST = "manifest";
    /** The {@link #ERRORS} stage of image reading and decoding. */
    public static final String STAGE_IMAGE = "image";
    /** The {@link #ERRORS} stage of prompt building (empty question, too long for the model). */
    public static final String STAGE_PROMPT = "prompt";
    /** The {@link #ERRORS} stage of the model's forward passes and the measurement. */
    public static final String STAGE_ANALYSIS = "analysis";

    // ---- analysis tables (written by the analyze command under <out>/analysis/)

    /** Folder of the tables that {@code analyze} writes next to the run's tables. */
    public static final String ANALYSIS_DIR = "analysis";
    /** Key of {@code _manifest.json} under which {@code analyze} lists its tables and settings. */
    public static final String MANIFEST_ANALYSIS_KEY = "analysis";
    /** Per-layer summaries of the distances (MLlib Summarizer). */
    public static final String LAYER_SUMMARY = "layer_summary";
    /** One row per token (pair, step, position) with its KMeans cluster. */
    public static final String TOKEN_CLUSTERS = "token_clusters";
    /** One row per cluster and layer: the cluster centre's value at that layer. */
    public static final String CLUSTER_PROFILES = "cluster_profiles";
    /** The analysis tables, in the order {@code analyze} writes them. */
    public static final List<String> ANALYSIS_TABLES = List.of(LAYER_SUMMARY, TOKEN_CLUSTERS, CLUSTER_PROFILES);
    /** The {@link #TOKEN_KIND} value of {@link #LAYER_SUMMARY} rows that summarise every kind together. */
    public static final String TOKEN_KIND_ALL = "all";

    public static final String ROW_COUNT = "row_count";
    public static final String L2_MEAN = "l2_mean";
    public static final String L2_STDDEV = "l2_stddev";
    public static final String L2_MIN = "l2_min";
    public static final String L2_MAX = "l2_max";
    public static final String COSINE_MEAN = "cosine_mean";
    public static final String COSINE_STDDEV = "cosine_stddev";
    public static final String COSINE_MIN = "cosine_min";
    public static final String COSINE_MAX = "cosine_max";
    public static final String METRIC = "metric";
    public static final String CLUSTER = "cluster";
    public static final String CLUSTER_DISTANCE = "cluster_distance";
    public static final String CLUSTER_SIZE = "cluster_size";
    public static final String CENTER = "center";

    /**
     * The order of rows inside every {@code impact} file: a pair's rows are contiguous, and
     * within a pair one variant's layer-by-token block is contiguous, which is what a heatmap
     * reads and what makes dictionary and run-length encoding effective.
     */
    public static final List<String> IMPACT_SORT_KEY = List.of(PAIR_ID, VARIANT, LAYER, TOKEN_POSITION);

    /** {@code impact}; {@link #GENERATION_STEP} is the partition column. */
    public static final StructType IMPACT_SCHEMA = struct(
            field(RUN_ID, DataTypes.StringType, false),
            field(PAIR_ID, DataTypes.StringType, false),
            field(GENERATION_STEP, DataTypes.IntegerType, false),
            field(LAYER, DataTypes.IntegerType, false),
            field(TOKEN_POSITION, DataTypes.IntegerType, false),
            field(TOKEN_MASKED, DataTypes.StringType, false),
            field(TOKEN_KIND, DataTypes.StringType, false),
            field(IMAGE_INDEX, DataTypes.IntegerType, true),
            field(PATCH_ROW, DataTypes.IntegerType, true),
            field(PATCH_COL, DataTypes.IntegerType, true),
            field(VARIANT, DataTypes.StringType, false),
            field(L2_DISTANCE, DataTypes.FloatType, false),
            field(COSINE_DISTANCE, DataTypes.FloatType, false));

    /** The order of rows inside every {@code effects} file. */
    public static final List<String> EFFECTS_SORT_KEY = List.of(PAIR_ID, TOKEN_POSITION);

    /** {@code effects}; {@link #GENERATION_STEP} is the partition column. */
    public static final StructType EFFECTS_SCHEMA = struct(
            field(RUN_ID, DataTypes.StringType, false),
            field(PAIR_ID, DataTypes.StringType, false),
            field(GENERATION_STEP, DataTypes.IntegerType, false),
            field(LAYERS, DataTypes.StringType, false),
            field(TOKEN_POSITION, DataTypes.IntegerType, false),
            field(UNIT_SIZE, DataTypes.IntegerType, false),
            field(TOKEN_MASKED, DataTypes.StringType, false),
            field(TOKEN_KIND, DataTypes.StringType, false),
            field(IMAGE_INDEX, DataTypes.IntegerType, true),
            field(PATCH_ROW, DataTypes.IntegerType, true),
            field(PATCH_COL, DataTypes.IntegerType, true),
            field(KL_DIVERGENCE, DataTypes.FloatType, false),
            field(PROB_DROP, DataTypes.FloatType, false),
            field(LOGIT_DIFF, DataTypes.FloatType, false),
            field(GREEDY_RANK, DataTypes.IntegerType, false),
            field(TOP1_FLIP, DataTypes.BooleanType, false),
            field(MASKED_TOP1_TOKEN, DataTypes.StringType, false));

    /**
     * One element of {@link #REGIONS}: a grid of {@link #GRID_ROWS} x {@link #GRID_COLS} vision tokens laid
     * evenly over the box [x, x + width) x [y, y + height) of the original image (pixels, origin top-left).
     * Cell (r, c) of the region is the vision token with that {@link #IMAGE_INDEX}, {@link #PATCH_ROW} r and
     * {@link #PATCH_COL} c.
     */
    public static final StructType REGION_TYPE = struct(
            field(IMAGE_INDEX, DataTypes.IntegerType, false),
            field(REGION_KIND, DataTypes.StringType, false),
            field(GRID_ROWS, DataTypes.IntegerType, false),
            field(GRID_COLS, DataTypes.IntegerType, false),
            field(BOX_X, DataTypes.DoubleType, false),
            field(BOX_Y, DataTypes.DoubleType, false),
            field(BOX_WIDTH, DataTypes.DoubleType, false),
            field(BOX_HEIGHT, DataTypes.DoubleType, false));

    /**
     * {@code pairs}: one row per distinct pair and run; nulls where the pair failed before the value was known.
     * {@link #EXECUTOR_ID}, {@link #DEVICE} and {@link #REGIONS} came later than the other columns: runs
     * written before them lack them, which then read as null (readers merge the files' schemas).
     * {@link #GRID_ROWS} and {@link #GRID_COLS} are the first region's.
     */
    public static final StructType PAIRS_SCHEMA = struct(
            field(RUN_ID, DataTypes.StringType, false),
            field(PAIR_ID, DataTypes.StringType, false),
            field(IMAGE, DataTypes.StringType, true),
            field(IMAGE_URI, DataTypes.StringType, true),
            field(QUESTION, DataTypes.StringType, true),
            field(ANSWER, DataTypes.StringType, true),
            field(STATUS, DataTypes.StringType, false),
            field(MODEL, DataTypes.StringType, true),
            field(MASK_MODE, DataTypes.StringType, false),
            field(MAX_NEW_TOKENS, DataTypes.IntegerType, false),
            field(GRID_ROWS, DataTypes.IntegerType, true),
            field(GRID_COLS, DataTypes.IntegerType, true),
            field(REGIONS, DataTypes.createArrayType(REGION_TYPE, false), true),
            field(TOKEN_COUNT, DataTypes.IntegerType, true),
            field(NUM_LAYERS, DataTypes.IntegerType, true),
            field(STEPS_DONE, DataTypes.IntegerType, false),
            field(IMPACT_ROWS, DataTypes.LongType, false),
            field(SECONDS, DataTypes.FloatType, false),
            field(EXECUTOR_ID, DataTypes.StringType, true),
            field(DEVICE, DataTypes.StringType, true));

    /** {@code steps}: what the model generated at each step, and how many impact rows the step has. */
    public static final StructType STEPS_SCHEMA = struct(
            field(RUN_ID, DataTypes.StringType, false),
            field(PAIR_ID, DataTypes.StringType, false),
            field(GENERATION_STEP, DataTypes.IntegerType, false),
            field(GENERATED_TOKEN_ID, DataTypes.IntegerType, false),
            field(GENERATED_TOKEN, DataTypes.StringType, false),
            field(GENERATED_PROB, DataTypes.FloatType, false),
            field(SEQUENCE_LENGTH, DataTypes.IntegerType, false),
            field(IMPACT_ROWS, DataTypes.LongType, false));

    /** {@code errors}: {@link #PAIR_ID} is null when the manifest row had no usable id. */
    public static final StructType ERRORS_SCHEMA = struct(
            field(RUN_ID, DataTypes.StringType, false),
            field(PAIR_ID, DataTypes.StringType, true),
            field(STAGE, DataTypes.StringType, false),
            field(ERROR_CLASS, DataTypes.StringType, false),
            field(MESSAGE, DataTypes.StringType, false));

    /**
     * {@code layer_summary}: the distances of one (run, variant, layer, token kind) over every pair
     * and step; {@link #TOKEN_KIND} is {@link #TOKEN_KIND_ALL} on the rows over all kinds. Standard
     * deviations are sample ones (MLlib's Summarizer), null for a single row.
     */
    public static final StructType LAYER_SUMMARY_SCHEMA = struct(
            field(RUN_ID, DataTypes.StringType, false),
            field(VARIANT, DataTypes.StringType, false),
            field(LAYER, DataTypes.IntegerType, false),
            field(TOKEN_KIND, DataTypes.StringType, false),
            field(ROW_COUNT, DataTypes.LongType, false),
            field(L2_MEAN, DataTypes.DoubleType, false),
            field(L2_STDDEV, DataTypes.DoubleType, true),
            field(L2_MIN, DataTypes.DoubleType, false),
            field(L2_MAX, DataTypes.DoubleType, false),
            field(COSINE_MEAN, DataTypes.DoubleType, false),
            field(COSINE_STDDEV, DataTypes.DoubleType, true),
            field(COSINE_MIN, DataTypes.DoubleType, false),
            field(COSINE_MAX, DataTypes.DoubleType, false));

    /**
     * {@code token_clusters}: a token of a step (its impact profile across layers, one variant and
     * metric) and the KMeans cluster it falls in; {@link #CLUSTER_DISTANCE} is the Euclidean distance
     * of its profile to the cluster centre.
     */
    public static final StructType TOKEN_CLUSTERS_SCHEMA = struct(
            field(RUN_ID, DataTypes.StringType, false),
            field(PAIR_ID, DataTypes.StringType, false),
            field(GENERATION_STEP, DataTypes.IntegerType, false),
            field(TOKEN_POSITION, DataTypes.IntegerType, false),
            field(TOKEN_MASKED, DataTypes.StringType, false),
            field(TOKEN_KIND, DataTypes.StringType, false),
            field(IMAGE_INDEX, DataTypes.IntegerType, true),
            field(PATCH_ROW, DataTypes.IntegerType, true),
            field(PATCH_COL, DataTypes.IntegerType, true),
            field(CLUSTER, DataTypes.IntegerType, false),
            field(CLUSTER_DISTANCE, DataTypes.DoubleType, false));

    /**
     * {@code cluster_profiles}: a cluster centre's value at each layer (profiles are
     * {@code mi_normalize(value, 'max')} per (pair, step, layer, variant), so values lie in [0, 1]).
     */
    public static final StructType CLUSTER_PROFILES_SCHEMA = struct(
            field(VARIANT, DataTypes.StringType, false),
            field(METRIC, DataTypes.StringType, false),
            field(CLUSTER, DataTypes.IntegerType, false),
            field(CLUSTER_SIZE, DataTypes.LongType, false),
            field(LAYER, DataTypes.IntegerType, false),
            field(CENTER, DataTypes.DoubleType, false));

    private OutputSchema() {
    }

    /**
     * @param table one of {@link #TABLES} or {@link #ANALYSIS_TABLES}
     * @return its schema
     * @throws IllegalArgumentException for an unknown table
     */
    public static StructType schema(String table) {
        return switch (table) {
            case IMPACT -> IMPACT_SCHEMA;
            case EFFECTS -> EFFECTS_SCHEMA;
            case PAIRS -> PAIRS_SCHEMA;
            case STEPS -> STEPS_SCHEMA;
            case ERRORS -> ERRORS_SCHEMA;
            case LAYER_SUMMARY -> LAYER_SUMMARY_SCHEMA;
            case TOKEN_CLUSTERS -> TOKEN_CLUSTERS_SCHEMA;
            case CLUSTER_PROFILES -> CLUSTER_PROFILES_SCHEMA;
            default -> throw new IllegalArgumentException("Unknown table '" + table + "' (expected one of " + TABLES + ")");
        };
    }

    /**
     * @param table one of {@link #TABLES}
     * @return its partition columns ({@code impact} and {@code effects} are partitioned)
     */
    public static List<String> partitionColumns(String table) {
        return IMPACT.equals(table) || EFFECTS.equals(table) ? List.of(GENERATION_STEP) : List.of();
    }

    private static StructType struct(StructField... fields) {
        return new StructType(fields);
    }

    private static StructField field(String name, DataType type, boolean nullable) {
        return new StructField(name, type, nullable, Metadata.empty());
    }
}
