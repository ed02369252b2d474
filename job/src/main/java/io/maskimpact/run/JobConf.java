package io.maskimpact.run;

import io.maskimpact.analysis.Algorithm;
import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.EffectOptions;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.analysis.VariantSet;
import io.maskimpact.input.ImageLoader;
import io.maskimpact.input.PairValidator;
import io.maskimpact.model.image.ProcessorOverrides;
import io.maskimpact.output.OutputFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.apache.spark.SparkConf;

/**
 * The settings of one run, resolved once on the driver; the only configuration shipped to executors.
 *
 * <p>Every setting has one key, used everywhere: the command-line option is {@code --<key>}, the
 * job config file ({@code --conf FILE}, Java properties syntax, see {@code conf/job-example.properties})
 * has {@code <key>=value}, and Spark configuration has {@code spark.maskimpact.<key>}. Precedence,
 * highest first: command line, job config file, {@code spark.maskimpact.*} (spark-defaults.conf,
 * {@code --conf} of spark-submit, {@code -D} system properties), built-in default. A job config
 * file may also hold {@code spark.*} keys, which are applied to the Spark session the CLI builds.
 *
 * <p>Resolution ({@link #resolve}) is driver-only: it reads files and system properties.
 *
 * @param manifest the input manifest, or null (the {@code demo} writes its own)
 * @param model the model folder, a local path that every executor opens itself: absolute (the same
 *     folder on every node), or relative to each JVM's working folder (a folder that YARN's
 *     {@code --archives} or a container image puts there)
 * @param out the output folder
 * @param master the Spark master, or null to take Spark's own ({@code local[*]} when none)
 * @param analysis what to measure
 * @param format the table format
 * @param mode what to do with an existing output
 * @param roundDecimals decimals the distances are rounded to, or -1 for none
 * @param zstdLevel the ZSTD level of the Parquet files
 * @param csv whether to export the tables as CSV too
 * @param partitions Spark partitions per commit, or 0 for one per core
 * @param limit analyse only the first N manifest rows, or 0 for all
 * @param commitEvery pairs per commit: finished pairs become visible (and survive a kill) in batches of this size
 * @param device {@code auto} (the GPU Spark assigned to the task, else CPU), {@code cpu} or {@code gpu[:N]}
 * @param allowExternalImages whether images outside the manifest's folder may be read
 * @param maxImagePixels larger images are decoded with subsampling
 * @param minPixels Qwen-VL models: the image processor's lower pixel bound, or 0 for the model's own
 * @param maxPixels Qwen-VL models: the image processor's upper pixel bound, or 0 for the model's own
 * @param imageSplitting Idefics3 and SmolVLM: whether images are split into tiles, or null for the model's own
 * @param runId the run's id
 * @param copyImages whether each pair's image is copied into {@code <out>/images/} (the viewer shows it from there)
 */
public record JobConf(String manifest, String model, String out, String master, AnalysisOptions analysis,
                      OutputFormat format, WriteMode mode, int roundDecimals, int zstdLevel, boolean csv,
                      int partitions, int limit, int commitEvery, String device, boolean allowExternalImages,
                      long maxImagePixels, long minPixels, long maxPixels, Boolean imageSplitting, String runId,
                      boolean copyImages)
        implements Serializable {

    /** Prefix of the settings in Spark configuration. */
    public static final String SPARK_PREFIX = "spark.maskimpact.";

    public static final String MANIFEST = "manifest";
    public static final String MODEL = "model";
    public static final String OUT = "out";
    public static final String MASTER = "master";
    public static final String MASK_MODE = "mask-mode";
    public static final String MAX_NEW_TOKENS = "max-new-tokens";
    public static final String VARIANTS = "variants";
    public static final String ALGORITHM = "algorithm";
    public static final String MASK_SPECIAL = "mask-special";
    public static final String EFFECTS = "effects";
    public static final String EFFECT_LAYERS = "effect-layers";
    public static final String EFFECT_BLOCK = "effect-block";
    public static final String FORMAT = "format";
    public static final String MODE = "mode";
    public static final String ROUND_DECIMALS = "round-decimals";
    public static final String ZSTD_LEVEL = "zstd-level";
    public static final String CSV = "csv";
    public static final String PARTITIONS = "partitions";
    public static final String LIMIT = "limit";
    public static final String COMMIT_EVERY = "commit-every";
    public static final String DEVICE = "device";
    public static final String ALLOW_EXTERNAL_IMAGES = "allow-external-images";
    public static final String MAX_IMAGE_PIXELS = "max-image-pixels";
    public static final String MIN_PIXELS = "min-pixels";
    public static final String MAX_PIXELS = "max-pixels";
    public static final String IMAGE_SPLITTING = "image-splitting";
    public static final String RUN_ID = "run-id";
    public static final String COPY_IMAGES = "copy-images";
    /** The job config file; a command-line-only key. */
    public static final String CONF = "conf";

    /** Every key a config file or {@code spark.maskimpact.*} may set. */
    public static final List<String> KEYS = List.of(MANIFEST, MODEL, OUT, MASTER, MASK_MODE, MAX_NEW_TOKENS,
            VARIANTS, ALGORITHM, MASK_SPECIAL, EFFECTS, EFFECT_LAYERS, EFFECT_BLOCK, FORMAT, MODE, ROUND_DECIMALS,
            ZSTD_LEVEL, CSV, PARTITIONS, LIMIT, COMMIT_EVERY, DEVICE, ALLOW_EXTERNAL_IMAGES, MAX_IMAGE_PIXELS, MIN_PIXELS,
            MAX_PIXELS, IMAGE_SPLITTING, RUN_ID, COPY_IMAGES);

    /** The shipped tiny model, relative to the project's home ({@code -Dmaskimpact.home}, set by submit.sh). */
    public static final String DEFAULT_MODEL_RELATIVE = "models/tiny-llava";
    /** The demo's model (a Qwen3-VL, the original tool's family), relative to the project's home. */
    public static final String DEMO_MODEL_RELATIVE = "models/tiny-qwen3-vl";
    public static final String DEFAULT_MASK_MODE = "both";
    public static final int DEFAULT_MAX_NEW_TOKENS = 3;
    public static final String DEFAULT_VARIANTS = "full,attn,heads";
    public static final String DEFAULT_ALGORITHM = "exact";
    public static final String DEFAULT_FORMAT = "parquet";
    public static final String DEFAULT_MODE = "error";
    public static final int DEFAULT_ZSTD_LEVEL = 6;
    public static final int DEFAULT_COMMIT_EVERY = 500;
    public static final String DEFAULT_DEVICE = "auto";

    /**
     * A resolved configuration and what the driver needs besides it.
     *
     * @param conf the settings
     * @param sparkSettings {@code spark.*} keys from the job config file, for the session builder
     * @param explicit the keys the user set (command line, file or Spark conf), as opposed to defaults
     */
    public record Resolved(JobConf conf, Map<String, String> sparkSettings, Set<String> explicit) {
    }

    /** @return the default model folder: the shipped tiny model */
    public static String defaultModel() {
        return shipped(DEFAULT_MODEL_RELATIVE);
    }

    /** @return the demo's model folder */
    public static String demoModel() {
        return shipped(DEMO_MODEL_RELATIVE);
    }

    private static String shipped(String relative) {
        return Paths.get(System.getProperty("maskimpact.home", "."), relative).normalize().toString();
    }

    /**
     * Resolves every setting from its sources, checking each value.
     *
     * @param cli values given on the command line, by key (absent = not given); may hold {@link #CONF}
     * @param sparkConf Spark configuration ({@code spark.maskimpact.*} keys are read)
     * @return the settings
     * @throws JobConfException when a value is invalid or the config file cannot be read
     */
    public static Resolved resolve(Map<String, String> cli, SparkConf sparkConf) throws JobConfException {
        Map<String, String> file = new LinkedHashMap<>();
        Map<String, String> spark = new LinkedHashMap<>();
        String confFile = cli.get(CONF);
        if (confFile != null) {
            readFile(confFile, file, spark);
        }
        Sources s = new Sources(cli, file, confFile, sparkConf);
        AnalysisOptions analysis = new AnalysisOptions(
                s.get(MASK_MODE, DEFAULT_MASK_MODE, MaskMode::parse),
                s.get(MAX_NEW_TOKENS, String.valueOf(DEFAULT_MAX_NEW_TOKENS),
                        v -> intIn(v, 1, PairValidator.MAX_NEW_TOKENS_LIMIT)),
                s.get(VARIANTS, DEFAULT_VARIANTS, VariantSet::parse),
                s.get(ALGORITHM, DEFAULT_ALGORITHM, Algorithm::parse),
                s.get(MASK_SPECIAL, "false", JobConf::bool),
                effects(s));
        String runId = s.get(RUN_ID, null, JobConf::runIdValue);
        JobConf conf = new JobConf(
                s.get(MANIFEST, null, v -> v),
                s.get(MODEL, defaultModel(), v -> v),
                s.get(OUT, null, v -> v),
                s.get(MASTER, null, v -> v),
                analysis,
                s.get(FORMAT, DEFAULT_FORMAT, v -> enumValue(OutputFormat.class, v, "parquet or delta")),
                s.get(MODE, DEFAULT_MODE, v -> enumValue(WriteMode.class, v, "error, overwrite, append or resume")),
                s.get(ROUND_DECIMALS, "none", v -> "none".equalsIgnoreCase(v.strip()) ? -1 : intIn(v, 0, 9)),
                s.get(ZSTD_LEVEL, String.valueOf(DEFAULT_ZSTD_LEVEL), v -> intIn(v, 1, 22)),
                s.get(CSV, "false", JobConf::bool),
                s.get(PARTITIONS, "0", v -> intIn(v, 0, 100_000)),
                s.get(LIMIT, "0", v -> intIn(v, 0, Integer.MAX_VALUE)),
                s.get(COMMIT_EVERY, String.valueOf(DEFAULT_COMMIT_EVERY), v -> intIn(v, 1, Integer.MAX_VALUE)),
                s.get(DEVICE, DEFAULT_DEVICE, JobConf::deviceValue),
                s.get(ALLOW_EXTERNAL_IMAGES, "false", JobConf::bool),
                s.get(MAX_IMAGE_PIXELS, String.valueOf(ImageLoader.DEFAULT_MAX_PIXELS),
                        v -> (long) intIn(v, 1, Integer.MAX_VALUE)),
                s.get(MIN_PIXELS, "0", v -> (long) intIn(v, 0, Integer.MAX_VALUE)),
                s.get(MAX_PIXELS, "0", v -> (long) intIn(v, 0, Integer.MAX_VALUE)),
                s.get(IMAGE_SPLITTING, null, JobConf::bool),
                runId != null ? runId : newRunId(),
                s.get(COPY_IMAGES, "true", JobConf::bool));
        return new Resolved(conf, Collections.unmodifiableMap(spark), Collections.unmodifiableSet(s.explicit));
    }

    private static EffectOptions effects(Sources s) throws JobConfException {
        int[] layers = s.get(EFFECT_LAYERS, EffectOptions.ALL_LAYERS, EffectOptions::parseLayers);
        return new EffectOptions(s.get(EFFECTS, "false", JobConf::bool), layers[0], layers[1],
                s.get(EFFECT_BLOCK, "1", v -> intIn(v, 1, 64)));
    }

    /** @return a fresh run id: local time and 4 random hex digits, e.g. {@code 20261125-101500-3fa2} */
    public static String newRunId() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()).toLowerCase(Locale.ROOT);
    }

    /**
     * @param other another run's settings
     * @return the names of the settings that change the rows a run writes and differ from {@code other}'s
     */
    public List<String> analysisDifferences(JobConf other) {
        Map<String, Object[]> pairs = new LinkedHashMap<>();
        pairs.put(MASK_MODE, new Object[] {analysis.maskMode(), other.analysis.maskMode()});
        pairs.put(MAX_NEW_TOKENS, new Object[] {analysis.maxNewTokens(), other.analysis.maxNewTokens()});
        pairs.put(VARIANTS, new Object[] {analysis.variants(), other.analysis.variants()});
        pairs.put(ALGORITHM, new Object[] {analysis.algorithm(), other.analysis.algorithm()});
        pairs.put(MASK_SPECIAL, new Object[] {analysis.maskSpecial(), other.analysis.maskSpecial()});
        pairs.put(EFFECTS, new Object[] {analysis.effects(), other.analysis.effects()});
        pairs.put(ROUND_DECIMALS, new Object[] {roundDecimals, other.roundDecimals});
        pairs.put(FORMAT, new Object[] {format, other.format});
        pairs.put(MIN_PIXELS, new Object[] {minPixels, other.minPixels});
        pairs.put(MAX_PIXELS, new Object[] {maxPixels, other.maxPixels});
        pairs.put(IMAGE_SPLITTING, new Object[] {String.valueOf(imageSplitting), String.valueOf(other.imageSplitting)});
        return pairs.entrySet().stream().filter(e -> !e.getValue()[0].equals(e.getValue()[1]))
                .map(Map.Entry::getKey).toList();
    }

    /**
     * @return every setting as the string a config file would hold; resolving this map again
     *     (as command-line values) gives back the same settings
     */
    public Map<String, String> toSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        putIf(m, MANIFEST, manifest);
        m.put(MODEL, model);
        putIf(m, OUT, out);
        putIf(m, MASTER, master);
        m.put(MASK_MODE, analysis.maskMode().name().toLowerCase(Locale.ROOT));
        m.put(MAX_NEW_TOKENS, String.valueOf(analysis.maxNewTokens()));
        m.put(VARIANTS, variantsText(analysis.variants()));
        m.put(ALGORITHM, analysis.algorithm().name().toLowerCase(Locale.ROOT));
        m.put(MASK_SPECIAL, String.valueOf(analysis.maskSpecial()));
        m.put(EFFECTS, String.valueOf(analysis.effects().enabled()));
        m.put(EFFECT_LAYERS, analysis.effects().layersLabel());
        m.put(EFFECT_BLOCK, String.valueOf(analysis.effects().block()));
        m.put(FORMAT, format.source());
        m.put(MODE, mode.name().toLowerCase(Locale.ROOT));
        m.put(ROUND_DECIMALS, roundDecimals < 0 ? "none" : String.valueOf(roundDecimals));
        m.put(ZSTD_LEVEL, String.valueOf(zstdLevel));
        m.put(CSV, String.valueOf(csv));
        m.put(PARTITIONS, String.valueOf(partitions));
        m.put(LIMIT, String.valueOf(limit));
        m.put(COMMIT_EVERY, String.valueOf(commitEvery));
        m.put(DEVICE, device);
        m.put(ALLOW_EXTERNAL_IMAGES, String.valueOf(allowExternalImages));
        m.put(MAX_IMAGE_PIXELS, String.valueOf(maxImagePixels));
        if (minPixels > 0) {
            m.put(MIN_PIXELS, String.valueOf(minPixels));
        }
        if (maxPixels > 0) {
            m.put(MAX_PIXELS, String.valueOf(maxPixels));
        }
        if (imageSplitting != null) {
            m.put(IMAGE_SPLITTING, String.valueOf(imageSplitting));
        }
        m.put(RUN_ID, runId);
        m.put(COPY_IMAGES, String.valueOf(copyImages));
        return m;
    }

    /**
     * @param v a variant set
     * @return its {@code --variants} spelling
     */
    public static String variantsText(VariantSet v) {
        List<String> parts = new java.util.ArrayList<>();
        if (v.full()) parts.add("full");
        if (v.attn()) parts.add("attn");
        if (v.heads()) parts.add("heads");
        if (v.attnWeights()) parts.add("attn-weights");
        return String.join(",", parts);
    }

    private static void putIf(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /**
     * @return the image processor settings that replace the model's ({@code --min-pixels}, {@code --max-pixels},
     *     {@code --no-image-splitting})
     */
    public ProcessorOverrides imageProcessor() {
        return new ProcessorOverrides(minPixels > 0 ? minPixels : null, maxPixels > 0 ? maxPixels : null, imageSplitting);
    }

    /** @return a copy with another run id */
    public JobConf withRunId(String id) {
        return new JobConf(manifest, model, out, master, analysis, format, mode, roundDecimals, zstdLevel, csv,
                partitions, limit, commitEvery, device, allowExternalImages, maxImagePixels, minPixels, maxPixels,
                imageSplitting, id, copyImages);
    }

    /** @return a copy with another manifest and model */
    public JobConf withInputs(String m, String modelDir) {
        return new JobConf(m, modelDir, out, master, analysis, format, mode, roundDecimals, zstdLevel, csv,
                partitions, limit, commitEvery, device, allowExternalImages, maxImagePixels, minPixels, maxPixels,
                imageSplitting, runId, copyImages);
    }

    /** @return a copy with other analysis options and rounding (used when resuming a run) */
    public JobConf withAnalysis(AnalysisOptions a, int decimals, OutputFormat f) {
        return new JobConf(manifest, model, out, master, a, f, mode, decimals, zstdLevel, csv,
                partitions, limit, commitEvery, device, allowExternalImages, maxImagePixels, minPixels, maxPixels,
                imageSplitting, runId, copyImages);
    }

    private static void readFile(String confFile, Map<String, String> job, Map<String, String> spark)
            throws JobConfException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Paths.get(confFile))) {
            props.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new JobConfException("Cannot read config file " + confFile + ": file not found", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new JobConfException("Cannot read config file " + confFile + ": " + e.getMessage(), e);
        }
        for (String key : props.stringPropertyNames()) {
            String value = props.getProperty(key).strip();
            if (key.startsWith("spark.")) {
                spark.put(key, value);
            } else if (KEYS.contains(key)) {
                job.put(key, value);
            } else {
                throw new JobConfException("Cannot read config file " + confFile + ": unknown setting '" + key
                        + "' (known: " + String.join(", ", KEYS) + ", or spark.* keys)", null);
            }
        }
    }

    /** The layered sources, highest precedence first, and which keys were set explicitly. */
    private static final class Sources {
        final Map<String, String> cli;
        final Map<String, String> file;
        final String fileName;
        final SparkConf spark;
        final Set<String> explicit = new LinkedHashSet<>();

        Sources(Map<String, String> cli, Map<String, String> file, String fileName, SparkConf spark) {
            this.cli = cli;
            this.file = file;
            this.fileName = fileName;
            this.spark = spark;
        }

        <T> T get(String key, String defaultValue, Function<String, T> parse) throws JobConfException {
            String value;
            String source;
            if (cli.get(key) != null) {
                value = cli.get(key);
                source = "--" + key;
            } else if (file.get(key) != null) {
                value = file.get(key);
                source = key + " in " + fileName;
            } else if (spark != null && spark.contains(SPARK_PREFIX + key)) {
                value = spark.get(SPARK_PREFIX + key);
                source = SPARK_PREFIX + key;
            } else {
                value = defaultValue;
                source = null;
            }
            if (source != null) {
                explicit.add(key);
            }
            if (value == null) {
                return null;
            }
            try {
                return parse.apply(value.strip());
            } catch (IllegalArgumentException e) {
                throw new JobConfException("Invalid value for " + (source == null ? key + " (default)" : source)
                        + ": " + e.getMessage(), e);
            }
        }
    }

    private static int intIn(String v, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' (expected a whole number from " + min + " to " + max + ")");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(n + " (expected a whole number from " + min + " to " + max + ")");
        }
        return n;
    }

    private static boolean bool(String v) {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException("'" + v + "' (expected true or false)");
        };
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String v, String expected) {
        try {
            return Enum.valueOf(type, v.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + v + "' (expected " + expected + ")");
        }
    }

    private static String deviceValue(String v) {
        String d = v.strip().toLowerCase(Locale.ROOT);
        if (d.equals("auto") || d.equals("cpu") || d.matches("gpu(:\\d+)?")) {
            return d;
        }
        throw new IllegalArgumentException("'" + v + "' (expected auto, cpu, gpu or gpu:N)");
    }

    private static String runIdValue(String v) {
        if (v.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            return v;
        }
        throw new IllegalArgumentException("'" + v + "' (expected 1 to 64 letters, digits, '.', '_' or '-')");
    }
}
