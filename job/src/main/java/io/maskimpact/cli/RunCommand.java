package io.maskimpact.cli;

import io.maskimpact.run.JobConf;
import io.maskimpact.run.WriteMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: analyse the pairs of a manifest and write the impact, pairs, steps and errors tables. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Analyse every image/question pair of a manifest with a vision-language model and write, for each "
                + "generation step, decoder layer, masked token and variant, the L2 and cosine distance of the layer's "
                + "update, as ZSTD Parquet (or Delta) tables in --out.",
                "",
                "Manifest: CSV (with a header), JSON Lines or Parquet with columns pair_id, image (a path relative to "
                        + "the manifest's folder, or a URI), question, and optionally max_new_tokens and mask_mode.",
                "",
                "Every option can also be set in a --conf file as <option>=<value> (without the dashes) or as "
                        + "spark.maskimpact.<option> in Spark's configuration; the command line wins, then the file, "
                        + "then Spark's configuration.", ""},
        footer = ExitCodes.FOOTER)
public class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--manifest", paramLabel = "FILE",
            description = "Input manifest: .csv, .jsonl/.json or .parquet (a path or a Hadoop URI). Required unless "
                    + "--mode resume (then the run's own).")
    String manifest;

    @Mixin
    CommonOptions common;

    @Mixin
    AnalysisOptionsMixin analysis;

    @Mixin
    OutputOptions output;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Spark tasks per commit. Default: one per core (Spark's default parallelism).")
    String partitions;

    @Option(names = "--limit", paramLabel = "N", description = "Analyse only the first N manifest rows. Default: all.")
    String limit;

    @Option(names = "--commit-every", paramLabel = "N",
            description = "Pairs per commit: finished pairs become visible, and survive a crash, in batches of N. "
                    + "Default: " + JobConf.DEFAULT_COMMIT_EVERY + ".")
    String commitEvery;

    @Option(names = "--device", paramLabel = "DEV",
            description = "auto (the GPU Spark assigns to each task, else CPU), cpu, gpu or gpu:N. Default: "
                    + JobConf.DEFAULT_DEVICE + ".")
    String device;

    @Option(names = "--allow-external-images", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Allow image references outside the manifest's folder (.., absolute paths, other URIs). "
                    + "Default: false (such pairs are rejected).")
    String allowExternalImages;

    @Option(names = "--max-image-pixels", paramLabel = "N",
            description = "Larger images are decoded with subsampling to at most about N pixels (a larger progressive "
                    + "JPEG is rejected: its decoder would hold it whole). Default: 25000000.")
    String maxImagePixels;

    @Option(names = "--min-pixels", paramLabel = "N",
            description = "Qwen-VL models: resize each image to at least about N pixels (the image processor's min_pixels). "
                    + "0 or unset: the model's processor_config.json / preprocessor_config.json.")
    String minPixels;

    @Option(names = "--max-pixels", paramLabel = "N",
            description = "Qwen-VL models: resize each image to at most about N pixels (max_pixels), which bounds the image "
                    + "tokens to N / 784 (Qwen2/2.5-VL) or N / 1024 (Qwen3-VL). 0 or unset: the model's.")
    String maxPixels;

    @Option(names = "--no-image-splitting",
            description = "Idefics3 and SmolVLM models: do not split images into tiles; each image is then only the "
                    + "global image (do_image_splitting=false). Config key: image-splitting=false. Default: the model's "
                    + "processor config.")
    boolean noImageSplitting;

    @Option(names = "--copy-images", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Copy each pair's image into <out>/images/ so that the viewer can show it and the folder "
                    + "is self-contained. Default: true.")
    String copyImages;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "The run's id (letters, digits, '.', '_', '-'). Default: the start time and 4 random hex digits.")
    String runId;

    @Override
    public Integer call() {
        Map<String, String> cli = new LinkedHashMap<>();
        Options.put(cli, JobConf.MANIFEST, manifest);
        common.putInto(cli);
        analysis.putInto(cli);
        output.putInto(cli);
        Options.put(cli, JobConf.PARTITIONS, partitions);
        Options.put(cli, JobConf.LIMIT, limit);
        Options.put(cli, JobConf.COMMIT_EVERY, commitEvery);
        Options.put(cli, JobConf.DEVICE, device);
        Options.put(cli, JobConf.ALLOW_EXTERNAL_IMAGES, allowExternalImages);
        Options.put(cli, JobConf.MAX_IMAGE_PIXELS, maxImagePixels);
        Options.put(cli, JobConf.MIN_PIXELS, minPixels);
        Options.put(cli, JobConf.MAX_PIXELS, maxPixels);
        Options.put(cli, JobConf.IMAGE_SPLITTING, noImageSplitting ? "false" : null);
        Options.put(cli, JobConf.RUN_ID, runId);
        Options.put(cli, JobConf.COPY_IMAGES, copyImages);
        java.io.PrintWriter err = spec.commandLine().getErr();
        JobConf.Resolved resolved = JobLauncher.resolve(cli, "run", err);
        if (resolved == null) {
            return ExitCodes.USAGE;
        }
        if (resolved.conf().out() == null) {
            JobLauncher.usage(err, "run", "Missing required option: --out=DIR");
            return ExitCodes.USAGE;
        }
        if (resolved.conf().manifest() == null && resolved.conf().mode() != WriteMode.RESUME) {
            JobLauncher.usage(err, "run", "Missing required option: --manifest=FILE");
            return ExitCodes.USAGE;
        }
        return JobLauncher.launch(resolved, spec.commandLine().getOut(), err);
    }
}
