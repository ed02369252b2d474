package io.maskimpact.run;

import io.maskimpact.analysis.PairAnalyzer;
import io.maskimpact.input.PairRejection;
import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.input.ImageLoader;
import io.maskimpact.input.InputErrors;
import io.maskimpact.input.PairSpec;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.output.PairResult;
import io.maskimpact.output.RunFolder;
import io.maskimpact.output.TableRows;
import io.maskimpact.input.PixelImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor side of a run: analyses one partition of pairs and streams their impact rows.
 *
 * <p>Per task: the JVM's shared model from {@link ModelCache} (loaded on the task's device the
 * first time), one {@link PairAnalyzer} (closed when the task ends), one image loader; each pair
 * records the executor and the device it ran on ({@link Devices#forTask}). Per
 * pair: read and decode the image, analyse, and emit its rows while the next pair waits, so a
 * task holds one pair's arrays at a time. A pair that fails becomes a failed {@link
 * PairResult} (its {@code errors} row) and the task goes on; only a model that cannot be loaded
 * fails the task.
 *
 * <p>Side outputs, through accumulators: the light copy of every {@link PairResult} (what the
 * {@code pairs}, {@code steps} and {@code errors} tables need), and counters for progress.
 * This function runs in the result stage of the {@code impact} write (no shuffle before the
 * write), where Spark applies each partition's accumulator updates exactly once, however often
 * a task is retried; the driver still de-duplicates by pair id.
 */
final class AnalyzePairs implements FlatMapFunction<Iterator<PairSpec>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AnalyzePairs.class);

    private final JobConf conf;
    private final String outRoot;
    private final Broadcast<SerializableConfiguration> hadoopConf;
    private final CollectionAccumulator<PairResult> results;
    private final LongAccumulator pairsDone;
    private final LongAccumulator pairsFailed;
    private final LongAccumulator rows;

    /**
     * @param conf the run's settings
     * @param outRoot the output folder, fully qualified on the driver: a relative {@code --out}
     *     would resolve against each executor's working folder
     * @param hadoopConf the driver's Hadoop configuration
     * @param results where each pair's light result goes
     * @param pairsDone pairs analysed or failed, for progress
     * @param pairsFailed pairs failed, for progress
     * @param rows impact rows, for progress
     */
    AnalyzePairs(JobConf conf, String outRoot, Broadcast<SerializableConfiguration> hadoopConf,
                 CollectionAccumulator<PairResult> results, LongAccumulator pairsDone, LongAccumulator pairsFailed,
                 LongAccumulator rows) {
        this.conf = conf;
        this.outRoot = outRoot;
        this.hadoopConf = hadoopConf;
        this.results = results;
        this.pairsDone = pairsDone;
        this.pairsFailed = pairsFailed;
        this.rows = rows;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<PairSpec> specs) {
        if (!specs.hasNext()) {
            return Collections.emptyIterator();
        }
        String device = Devices.forTask(conf.device());
        PairResult.Placement placement = new PairResult.Placement(SparkEnv.get().executorId(), device);
        LoadedModel model;
        try {
            model = ModelCache.get(Path.of(conf.model()), device, conf.imageProcessor());
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        PairAnalyzer analyzer = model.newAnalyzer(conf.analysis());
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) ctx -> analyzer.close());
        }
        ImageLoader images = new ImageLoader(hadoopConf.value().value(), ImageLoader.DEFAULT_MAX_BYTES,
                conf.maxImagePixels());
        return new Iterator<>() {
            private Iterator<InternalRow> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && specs.hasNext()) {
                    PairResult r = analyze(specs.next(), analyzer, images, model.name(), placement);
                    results.add(r.light());
                    pairsDone.add(1);
                    if (!r.isOk()) {
                        pairsFailed.add(1);
                    }
                    rows.add(r.impactRows());
                    current = TableRows.impact(conf.runId(), r, conf.roundDecimals());
                }
                return current.hasNext();
            }

            @Override
            public InternalRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /**
     * Copies the image's bytes into the run folder (idempotent: a retried task rewrites the same
     * file), so the {@code pairs} row can point the viewer at it.
     */
    private PairResult.Input copyImage(PairResult.Input input, ImageLoader.Decoded decoded) {
        if (!conf.copyImages()) {
            return input;
        }
        String ext = decoded.format().equals("jpeg") ? "jpg" : decoded.format();
        String relative = RunFolder.imageName(input.pairId(), ext);
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(outRoot), relative);
        try {
            FileSystem fs = target.getFileSystem(hadoopConf.value().value());
            if (fs instanceof LocalFileSystem local) {
                // Hadoop's local file system starts a `chmod` process for the file and another for
                // its .crc (no native library here): two processes per pair, a tenth of a toy pair's time
                Path file = local.pathToFile(target).toPath();
                Files.createDirectories(file.getParent());
                Files.write(file, decoded.bytes());
            } else {
                try (java.io.OutputStream out = fs.create(target, true)) {
                    out.write(decoded.bytes());
                }
            }
        } catch (java.io.IOException e) {
            LOG.warn("Cannot copy the image of pair {} to {}: {}", input.pairId(), target, e.getMessage());
            return input;
        }
        return new PairResult.Input(input.pairId(), relative, input.imageUri(), input.question(), input.maskMode(),
                input.maxNewTokens());
    }

    private PairResult analyze(PairSpec spec, PairAnalyzer analyzer, ImageLoader images, String model,
                               PairResult.Placement placement) {
        long t0 = System.nanoTime();
        PairResult.Input input = new PairResult.Input(spec.pairId(), spec.image(), spec.imageUri(), spec.question(),
                spec.maskMode(), spec.maxNewTokens());
        try {
            ImageLoader.Decoded decoded = images.read(spec.pairId(), spec.imageUri());
            input = copyImage(input, decoded);
            PixelImage image = decoded.image();
            PairImpact impact = analyzer.analyze(new PairRequest(spec.pairId(), image, spec.question(),
                    spec.maxNewTokens(), MaskMode.parse(spec.maskMode())));
            return PairResult.ok(input, model, placement, impact, seconds(t0));
        } catch (PairRejection e) {
            LOG.warn("Pair {} rejected at stage {}: {}", spec.pairId(), e.stage(), e.getMessage());
            return PairResult.failed(input, model, placement, e.stage(), e.errorClass(), e.getMessage(), seconds(t0));
        } catch (RuntimeException e) {
            // an analyzer bug must not take the other pairs down: record it, keep the trace in the log
            LOG.error("Pair {} failed unexpectedly", spec.pairId(), e);
            return PairResult.failed(input, model, placement, OutputSchema.STAGE_ANALYSIS, e.getClass().getSimpleName(),
                    "Cannot analyze pair " + spec.pairId() + ": unexpected failure (" + InputErrors.oneLine(e)
                            + "; see the executor log)", seconds(t0));
        }
    }

    private static float seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9f;
    }
}
