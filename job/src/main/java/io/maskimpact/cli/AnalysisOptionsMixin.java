package io.maskimpact.cli;

import io.maskimpact.run.JobConf;
import java.util.Map;
import picocli.CommandLine.Option;

/** What is measured for every pair. */
public class AnalysisOptionsMixin {

    @Option(names = "--mask-mode", paramLabel = "MODE",
            description = "Which tokens are masked, one at a time: text, vision or both (a manifest's mask_mode column "
                    + "overrides it per pair). Default: " + JobConf.DEFAULT_MASK_MODE + ".")
    String maskMode;

    @Option(names = "--max-new-tokens", paramLabel = "N",
            description = "Greedy tokens to generate = generation steps per pair (a manifest's max_new_tokens column "
                    + "overrides it). Default: " + JobConf.DEFAULT_MAX_NEW_TOKENS + ".")
    String maxNewTokens;

    @Option(names = "--variants", paramLabel = "LIST",
            description = "Comma-separated: full, attn, heads, attn-weights (or all). Default: " + JobConf.DEFAULT_VARIANTS
                    + ".")
    String variants;

    @Option(names = "--algorithm", paramLabel = "ALG",
            description = "exact (closed form, fast) or naive (re-run the layer; the reference). Default: "
                    + JobConf.DEFAULT_ALGORITHM + ".")
    String algorithm;

    @Option(names = "--mask-special", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Also mask special (chat template) tokens. Default: false.")
    String maskSpecial;

    @Option(names = "--effects", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Also write the effects table: each maskable unit hidden at every layer (or --effect-layers), "
                    + "the change of the next-token distribution (KL, probability drop, top-1 flip). Default: false.")
    String effects;

    @Option(names = "--effect-layers", paramLabel = "A-B",
            description = "Layers that hide the unit for --effects: all, or A-B (0-based, inclusive). Default: all.")
    String effectLayers;

    @Option(names = "--effect-block", paramLabel = "K",
            description = "For --effects, hide vision tokens in K x K blocks of their grid (1: one at a time). Default: 1.")
    String effectBlock;

    void putInto(Map<String, String> cli) {
        Options.put(cli, JobConf.MASK_MODE, maskMode);
        Options.put(cli, JobConf.MAX_NEW_TOKENS, maxNewTokens);
        Options.put(cli, JobConf.VARIANTS, variants);
        Options.put(cli, JobConf.ALGORITHM, algorithm);
        Options.put(cli, JobConf.MASK_SPECIAL, maskSpecial);
        Options.put(cli, JobConf.EFFECTS, effects);
        Options.put(cli, JobConf.EFFECT_LAYERS, effectLayers);
        Options.put(cli, JobConf.EFFECT_BLOCK, effectBlock);
    }
}
