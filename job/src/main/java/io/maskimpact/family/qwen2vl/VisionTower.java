package io.maskimpact.family.qwen2vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.maskimpact.family.qwen2vl.QwenVlConfig.Generation;
import io.maskimpact.model.Indexes;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.WeightStore;
import io.maskimpact.model.nn.Activations;
import io.maskimpact.model.nn.Attention;
import io.maskimpact.model.nn.Linear;
import io.maskimpact.model.nn.Mlp;
import io.maskimpact.model.nn.Norm;
import io.maskimpact.model.nn.Rope;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The vision tower of Qwen2-VL, Qwen2.5-VL and Qwen3-VL in DJL NDArray operations, as transformers 5.17
 * computes it ({@code Qwen2VisionTransformerPretrainedModel}, {@code Qwen2_5_VisionTransformerPretrainedModel},
 * {@code Qwen3VLVisionModel}):
 *
 * <pre>
 *   x = patch_embed(pixel rows)                 Conv3d with kernel = stride, i.e. one matrix product per row
 *   x += interpolated learned positions         Qwen3-VL
 *   x = x[window order]                         Qwen2.5-VL, with the RoPE positions alike
 *   per block b: x += attn(norm1(x)); x += mlp(norm2(x))
 *       attention is bidirectional within the image, or within each window (Qwen2.5-VL, blocks not in
 *       fullatt_block_indexes), with 2-D RoPE on q and k
 *       Qwen3-VL: if b is a DeepStack block, its DeepStack merger turns x into one more feature list
 *   merged = merger(x)                          norm per patch, 2x2 cells concatenated, fc1, GELU, fc2
 *   merged = merged[inverse window order]       Qwen2.5-VL
 * </pre>
 *
 * <p>Pixel rows and patches come in merge-block order (the processor's {@code patchify}): the 4 patches of
 * merged cell 0, then of cell 1, ..., cells in raster order. So output row k is merged cell
 * (k / (gw / 2), k % (gw / 2)).
 *
 * <p>Legend: N patches, C width, K heads, E head dim, M merged cells (N / merge²), U merge² (patches per
 * cell), I pixel row length (3·T·P·P), d decoder width. Weights are float32 on the model's manager; every
 * activation is created from the pixels' manager, so results land there. Thread-safe.
 */
final class VisionTower {
    /** Attention scores computed at once, at most (a chunk of queries against its segment's keys): 16 MB. */
    private static final int QUERY_CHUNK_SCORES = 1 << 22;

    private final QwenVlConfig.Vision config;
    private final Linear patchEmbed;          // I -> C
    private final NDArray positionTable;      // (G*G, C), Qwen3-VL, else null
    private final Rope rope;                  // 2-D, over E
    private final List<Block> blocks;
    private final Merger merger;              // C*U -> d
    private final List<Merger> deepstackMergers;

    private record Block(Norm norm1, Linear qkv, Linear proj, Norm norm2, Mlp mlp) {
    }

    /**
     * A patch merger: a norm, 2x2 cells concatenated, fc1, exact GELU, fc2. The main merger normalizes each
     * patch over C before the concatenation; Qwen3-VL's DeepStack mergers normalize the concatenated U*C.
     */
    private record Merger(Norm norm, boolean normAfterConcat, Linear fc1, Linear fc2, UnaryOperator<NDArray> gelu) {
        /**
         * @param x patches, (N, C)
         * @param unit U
         * @return merged cells, (M, d)
         */
        NDArray apply(NDArray x, int unit) {
            long width = x.getShape().get(1) * unit;
            NDArray cells = normAfterConcat ? norm.apply(x.reshape(-1, width)) : norm.apply(x).reshape(-1, width);
            return fc2.apply(gelu.apply(fc1.apply(cells)));
        }
    }

    /**
     * What the tower gives the decoder.
     *
     * @param merged the merged cells, (M, d), one per {@code <|image_pad|>} token
     * @param deepstack Qwen3-VL: the DeepStack features, each (M, d), added after decoder layers 0, 1, ...; empty otherwise
     */
    record Features(NDArray merged, List<NDArray> deepstack) {
    }

    private VisionTower(QwenVlConfig.Vision config, Linear patchEmbed, NDArray positionTable, List<Block> blocks,
                        Merger merger, List<Merger> deepstackMergers) {
        this.config = config;
        this.patchEmbed = patchEmbed;
        this.positionTable = positionTable;
        this.rope = Rope.axial(config.ropeTheta(), config.headDim());
        this.blocks = blocks;
        this.merger = merger;
        this.deepstackMergers = deepstackMergers;
    }

    /**
     * Loads the tower from transformers' module names.
     *
     * @param store the checkpoint, renamed to transformers 5's names
     * @param prefix {@code model.visual.}
     * @param config the hyperparameters
     * @param generation which family member (norms, MLP and merger differ)
     * @param manager the model's manager
     * @return the tower
     * @throws ModelLoadException when a tensor is missing or of another shape
     */
    static VisionTower load(WeightStore store, String prefix, QwenVlConfig.Vision config, Generation generation,
                            NDManager manager) throws ModelLoadException {
        int c = config.width();
        int t = config.temporalPatch();
        int p = config.patch();
        int unit = config.merge() * config.merge();
        NDArray conv = store.load(manager, prefix + "patch_embed.proj.weight", c, 3, t, p, p);
        NDArray convBias = generation == Generation.QWEN3_VL ? store.load(manager, prefix + "patch_embed.proj.bias", c) : null;
        Linear patchEmbed = new Linear(conv.reshape(c, (long) 3 * t * p * p).transpose(), convBias);
        NDArray positions = generation == Generation.QWEN3_VL
                ? store.load(manager, prefix + "pos_embed.weight", config.positionEmbeddings(), c) : null;
        UnaryOperator<NDArray> act = Activations.of(config.hiddenAct(), "vision_config hidden_act");
        UnaryOperator<NDArray> gelu = Activations.of("gelu", "the patch merger's nn.GELU");
        NormLoader norm = (name, size) -> generation == Generation.QWEN2_5_VL
                ? Norm.rms(store, manager, name, size, 1e-6f) : Norm.layer(store, manager, name, size, 1e-6f);
        List<Block> blocks = new ArrayList<>();
        for (int b = 0; b < config.depth(); b++) {
            String q = prefix + "blocks." + b + ".";
            int f = config.mlpWidth();
            Mlp mlp = switch (generation) {
                case QWEN2_VL -> new Mlp.Plain(Linear.load(store, manager, q + "mlp.fc1", c, f, true),
                        Linear.load(store, manager, q + "mlp.fc2", f, c, true), act);
                case QWEN2_5_VL -> new Mlp.Gated(Linear.load(store, manager, q + "mlp.gate_proj", c, f, true),
                        Linear.load(store, manager, q + "mlp.up_proj", c, f, true),
                        Linear.load(store, manager, q + "mlp.down_proj", f, c, true), act);
                case QWEN3_VL -> new Mlp.Plain(Linear.load(store, manager, q + "mlp.linear_fc1", c, f, true),
                        Linear.load(store, manager, q + "mlp.linear_fc2", f, c, true), act);
            };
            blocks.add(new Block(norm.load(q + "norm1", c), Linear.load(store, manager, q + "attn.qkv", c, 3 * c, true),
                    Linear.load(store, manager, q + "attn.proj", c, c, true), norm.load(q + "norm2", c), mlp));
        }
        int d = config.outWidth();
        Merger merger = generation == Generation.QWEN3_VL
                ? new Merger(norm.load(prefix + "merger.norm", c), false,
                        Linear.load(store, manager, prefix + "merger.linear_fc1", c * unit, c * unit, true),
                        Linear.load(store, manager, prefix + "merger.linear_fc2", c * unit, d, true), gelu)
                : new Merger(norm.load(prefix + "merger.ln_q", c), false,
                        Linear.load(store, manager, prefix + "merger.mlp.0", c * unit, c * unit, true),
                        Linear.load(store, manager, prefix + "merger.mlp.2", c * unit, d, true), gelu);
        List<Merger> deepstack = new ArrayList<>();
        for (int i = 0; i < config.deepstackBlocks().size(); i++) {
            String m = prefix + "deepstack_merger_list." + i + ".";
            deepstack.add(new Merger(Norm.layer(store, manager, m + "norm", c * unit, 1e-6f), true,
                    Linear.load(store, manager, m + "linear_fc1", c * unit, c * unit, true),
                    Linear.load(store, manager, m + "linear_fc2", c * unit, d, true), gelu));
        }
        return new VisionTower(config, patchEmbed, positions, blocks, merger, deepstack);
    }

    private interface NormLoader {
        Norm load(String name, int size) throws ModelLoadException;
    }

    /**
     * Runs the tower over one still image.
     *
     * @param pixels the processor's pixel rows, (N, I), in merge-block order; its manager receives the results
     * @param gridH patch rows (image_grid_thw's h)
     * @param gridW patch columns (image_grid_thw's w)
     * @return the merged cells and the DeepStack features
     */
    Features encode(NDArray pixels, int gridH, int gridW) {
        int n = gridH * gridW;
        int unit = config.merge() * config.merge();
        int[][] patchPositions = VisionGeometry.patchPositions(gridH, gridW, config.merge());   // (2, N)
        NDArray x = patchEmbed.apply(pixels);                                                    // (N, C)
        if (positionTable != null) {
            x = x.add(interpolatedPositions(patchPositions, gridH, gridW, pixels.getManager()));
        }
        VisionGeometry.Windows windows = config.windowSize() > 0
                ? VisionGeometry.windows(gridH, gridW, config.merge(), config.windowSize() / config.merge() / config.patch())
                : null;
        int[] wholeImage = {0, n};
        if (windows != null) {
            int[] patchOrder = windows.patchOrder(unit);
            x = x.get(Indexes.of(pixels.getManager(), patchOrder));
            patchPositions = VisionGeometry.reorder(patchPositions, patchOrder);
        }
        Rope.Tables tables = rope.tables(patchPositions, pixels.getManager());                  // (N, E) each
        List<NDArray> deepstack = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
            boolean windowed = windows != null && !config.fullAttentionBlocks().contains(b);
            int deepstackIndex = config.deepstackBlocks().indexOf(b);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray next = block(blocks.get(b), x, tables, windowed ? windows.bounds() : wholeImage);
                NDScope.unregister(next);
                if (deepstackIndex >= 0) {
                    NDArray feature = deepstackMergers.get(deepstackIndex).apply(next, unit);   // (M, d)
                    NDScope.unregister(feature);
                    deepstack.add(feature);
                }
                x.close();                      // the previous block's output (or the embeddings), no longer needed
                x = next;
            }
        }
        NDArray merged = merger.apply(x, unit);                                                 // (M, d)
        if (windows != null) {
            merged = merged.get(Indexes.of(pixels.getManager(), windows.inverseCellOrder()));
        }
        return new Features(merged, deepstack);
    }

    /**
     * One block: {@code x + attn(norm1(x))}, then {@code + mlp(norm2(.))}.
     *
     * @param x (N, C)
     * @param tables RoPE of the N patches
     * @param bounds attention segments as boundaries {@code [0, ..., N]}: patches attend within their segment
     * @return (N, C)
     */
    private NDArray block(Block w, NDArray x, Rope.Tables tables, int[] bounds) {
        NDArray mid = x.add(attention(w, w.norm1().apply(x), tables, bounds));
        return mid.add(w.mlp().apply(w.norm2().apply(mid)));
    }

    /**
     * Bidirectional attention within each segment, through the shared attention function, as transformers'
     * eager path runs it (one call per segment, outputs concatenated).
     */
    private NDArray attention(Block w, NDArray x, Rope.Tables tables, int[] bounds) {
        long n = x.getShape().get(0);
        int k = config.heads();
        int e = config.headDim();
        NDArray qkv = w.qkv().apply(x).reshape(n, 3, k, e).transpose(1, 2, 0, 3);              // (3, K, N, E)
        NDArray q = tables.apply(qkv.get(0));                                                    // (K, N, E)
        NDArray keys = tables.apply(qkv.get(1));                                                 // (K, N, E)
        NDArray v = qkv.get(2);                                                                  // (K, N, E)
        float scale = (float) Math.pow(e, -0.5);
        List<NDArray> outputs = new ArrayList<>();
        for (int s = 0; s + 1 < bounds.length; s++) {
            String rows = ":, " + bounds[s] + ":" + bounds[s + 1] + ", :";
            NDArray keysT = keys.get(rows).transpose(0, 2, 1).expandDims(0);                     // (1, K, E, n_s)
            NDArray values = v.get(rows).expandDims(0);                                          // (1, K, n_s, E)
            int length = bounds[s + 1] - bounds[s];
            // Queries in chunks whose (K, rows, n_s) scores stay small: a whole image's (K, N, N) scores are
            // hundreds of MB (16 x 3136² floats at 896 px), which the CPU spends more time allocating and
            // paging in than multiplying. Each query's row is computed as before, so results do not change.
            int chunk = Math.max(1, QUERY_CHUNK_SCORES / (k * length));
            for (int from = bounds[s]; from < bounds[s + 1]; from += chunk) {
                String queries = ":, " + from + ":" + Math.min(bounds[s + 1], from + chunk) + ", :";
                outputs.add(Attention.eager(q.get(queries).expandDims(0), keysT, values, null, scale).output().get(0));
            }
        }
        NDArray heads = outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(new NDList(outputs), 1);   // (K, N, E)
        return w.proj().apply(heads.transpose(1, 0, 2).reshape(n, (long) k * e));                 // (N, C)
    }

    /**
     * Qwen3-VL's learned positions resampled to the patch grid: a bilinear (align_corners) blend of the 4
     * nearest table entries per patch (transformers' {@code get_vision_interpolation_indices_and_weights}).
     *
     * @return (N, C)
     */
    private NDArray interpolatedPositions(int[][] patchPositions, int gridH, int gridW, NDManager manager) {
        VisionGeometry.Taps taps = VisionGeometry.bilinearTaps(patchPositions, gridH, gridW, config.positionGridSide());
        int n = patchPositions[0].length;
        NDArray rows = positionTable.get(manager.create(taps.indices()));                       // (N*4, C), weight-first:
        rows.attach(manager);                                                                    // keep it off the weights
        NDArray weights = manager.create(taps.weights()).reshape(n, 4, 1);                      // (N, 4, 1)
        return rows.reshape(n, 4, -1).mul(weights).sum(new int[] {1});                          // (N, C)
    }
}
