package io.maskimpact.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.Indexes;
import io.maskimpact.model.LayerTrace;
import io.maskimpact.model.MaskedLayer;
import io.maskimpact.model.StepTrace;
import io.maskimpact.model.decoder.CausalDecoder.LayerWeights;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link DecoderSession} of a {@link CausalDecoder}: keys cached as (G, D, S) and values as
 * (G, S, D) per layer, so attention needs no transpose or repeat of cached arrays.
 *
 * <p>Grouped-query attention without repeating K and V: the H = G*n query heads are ordered
 * group-major (head h reads KV head h / n, transformers' repeat_kv), so (H, T, D) queries
 * reshaped to (G, n*T, D) multiply each group's keys directly.
 */
final class CausalDecoderSession implements DecoderSession {
    /** transformers masks with the dtype's minimum, not -inf. */
    static final float DTYPE_MIN = -Float.MAX_VALUE;
    /** Masked columns re-run together by the naive reference; bounds its (B, H, S, S) scores. */
    private static final int NAIVE_CHUNK = 16;

    private final CausalDecoder model;
    private final NDManager owner;
    private final boolean keepLayerInputs;
    private final NDArray[] keysT;        // per layer (G, D, S)
    private final NDArray[] values;       // per layer (G, S, D)
    private final NDArray[] layerInputs;  // per layer (S, d), only with keepLayerInputs
    private int length;

    CausalDecoderSession(CausalDecoder model, NDManager parent, boolean keepLayerInputs) {
        this.model = model;
        this.owner = parent.newSubManager();
        this.keepLayerInputs = keepLayerInputs;
        int layers = model.config().numLayers();
        this.keysT = new NDArray[layers];
        this.values = new NDArray[layers];
        this.layerInputs = new NDArray[layers];
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public StepTrace forward(NDArray embeddings, NDManager step) {
        DecoderConfig c = model.config();
        int t = (int) embeddings.getShape().get(0);
        int h = c.numHeads();
        int g = c.numKvHeads();
        int dh = c.headDim();
        int start = length;
        int total = start + t;
        if (total > c.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + total + " tokens exceeds max_position_embeddings " + c.maxPositions());
        }
        NDArray x = embeddings.duplicate();
        x.attach(step);                                                       // (T, d): every result now lands in step
        NDArray[] rope = model.ropeTables(start, t, step);
        NDArray causal = t > 1 ? CausalDecoder.causalMask(start, t, total, step) : null;
        float scale = (float) (1.0 / Math.sqrt(dh));
        List<LayerTrace> traces = new ArrayList<>(c.numLayers());
        for (int l = 0; l < c.numLayers(); l++) {
            LayerWeights w = model.layer(l);
            NDArray residPre = x;
            if (keepLayerInputs) {
                layerInputs[l] = append(layerInputs[l], residPre, 0);
            }
            NDArray normed = model.rmsNorm(x, w.inputNorm());
            NDArray q = toHeads(CausalDecoder.linear(normed, w.qT(), w.qBias()), h, t, dh);   // (H, T, D)
            NDArray k = toHeads(CausalDecoder.linear(normed, w.kT(), w.kBias()), g, t, dh);   // (G, T, D)
            NDArray v = toHeads(CausalDecoder.linear(normed, w.vT(), w.vBias()), g, t, dh);   // (G, T, D)
            q = model.rope(q, rope[0], rope[1]);
            k = model.rope(k, rope[0], rope[1]);
            keysT[l] = append(keysT[l], k.transpose(0, 2, 1), 2);                            // (G, D, S)
            values[l] = append(values[l], v, 1);                                              // (G, S, D)

            NDArray scores = q.reshape(g, (long) h / g * t, dh).matMul(keysT[l])            // (G, n*T, S)
                    .reshape(h, t, total).mul(scale);                                         // (H, T, S)
            if (causal != null) {
                scores = scores.add(causal);
            }
            NDArray probs = scores.softmax(-1);                                               // (H, T, S)
            NDArray heads = probs.reshape(g, (long) h / g * t, total).matMul(values[l])      // (G, n*T, D)
                    .reshape(h, t, dh);                                                       // (H, T, D)
            NDArray attn = CausalDecoder.linear(heads.transpose(1, 0, 2).reshape(t, (long) h * dh), w.oT(), w.oBias()); // (T, d)
            NDArray mid = residPre.add(attn);
            x = mid.add(model.mlp(model.rmsNorm(mid, w.postNorm()), w));                     // (T, d)

            NDIndex last = new NDIndex(":, -1, :");
            traces.add(new LayerTrace(residPre.get(t - 1).expandDims(0), scores.get(last), probs.get(last),
                    heads.get(last), attn.get(t - 1).expandDims(0), x.get(t - 1).expandDims(0)));
        }
        length = total;
        NDArray logits = model.rmsNorm(x.get(t - 1), model.finalNorm()).matMul(model.lmHeadT());   // (V)
        return new StepTrace(traces, logits);
    }

    private static NDArray toHeads(NDArray projected, int heads, int t, int dh) {
        return projected.reshape(t, heads, dh).transpose(1, 0, 2);
    }

    /** Appends to a cache array, which stays on this session's manager. */
    private NDArray append(NDArray cache, NDArray addition, int axis) {
        if (cache == null) {
            NDArray first = addition.duplicate();
            first.attach(owner);
            return first;
        }
        NDArray grown = cache.concat(addition, axis);                           // first operand: lands on owner
        cache.close();
        return grown;
    }

    @Override
    public NDArray valuesPerHead(int layer, int[] positions, NDManager step) {
        NDArray index = Indexes.of(step, positions);
        NDArray picked = values[layer].get(new NDIndex(":, {}, :", index));    // (G, P, D)
        picked.attach(step);
        int n = model.config().numHeads() / model.config().numKvHeads();
        return n == 1 ? picked : picked.repeat(0, n);                           // (H, P, D), repeat_interleave
    }

    @Override
    public NDArray outputProjection(int layer, NDArray heads) {
        LayerWeights w = model.layer(layer);
        return CausalDecoder.linear(heads, w.oT(), w.oBias());
    }

    @Override
    public NDArray finishLayer(int layer, NDArray residPre, NDArray attn) {
        LayerWeights w = model.layer(layer);
        NDArray mid = attn.add(residPre);                                       // (P, d)
        return mid.add(model.mlp(model.rmsNorm(mid, w.postNorm()), w));
    }

    @Override
    public MaskedLayer rerunMasked(int layer, int[] columns, NDManager step) {
        if (!keepLayerInputs) {
            throw new IllegalStateException("the naive re-run needs a session opened with keepLayerInputs");
        }
        NDArray input = layerInputs[layer].duplicate();
        input.attach(step);                                                      // (S, d)
        NDArray[] rope = model.ropeTables(0, length, step);
        NDArray causal = CausalDecoder.causalMask(0, length, length, step);    // (S, S)
        List<NDArray> heads = new ArrayList<>();
        List<NDArray> attns = new ArrayList<>();
        List<NDArray> posts = new ArrayList<>();
        for (int from = 0; from < columns.length; from += NAIVE_CHUNK) {
            int to = Math.min(columns.length, from + NAIVE_CHUNK);
            MaskedLayer chunk = rerunChunk(layer, input, java.util.Arrays.copyOfRange(columns, from, to), rope, causal, step);
            heads.add(chunk.heads());
            attns.add(chunk.attn());
            posts.add(chunk.residPost());
        }
        return new MaskedLayer(NDArrays.concat(new ai.djl.ndarray.NDList(heads)),
                NDArrays.concat(new ai.djl.ndarray.NDList(attns)), NDArrays.concat(new ai.djl.ndarray.NDList(posts)));
    }

    /** The whole layer over all S positions, B times, each with one key column set to the dtype minimum. */
    private MaskedLayer rerunChunk(int layer, NDArray input, int[] columns, NDArray[] rope, NDArray causal, NDManager step) {
        DecoderConfig c = model.config();
        LayerWeights w = model.layer(layer);
        int b = columns.length;
        int s = length;
        int h = c.numHeads();
        int g = c.numKvHeads();
        int dh = c.headDim();
        NDArray x = input.expandDims(0).repeat(0, b);                                        // (B, S, d)
        NDArray normed = model.rmsNorm(x, w.inputNorm());
        NDArray q = CausalDecoder.linear(normed, w.qT(), w.qBias()).reshape(b, s, h, dh).transpose(0, 2, 1, 3); // (B, H, S, D)
        NDArray k = CausalDecoder.linear(normed, w.kT(), w.kBias()).reshape(b, s, g, dh).transpose(0, 2, 1, 3); // (B, G, S, D)
        NDArray v = CausalDecoder.linear(normed, w.vT(), w.vBias()).reshape(b, s, g, dh).transpose(0, 2, 1, 3); // (B, G, S, D)
        q = model.rope(q, rope[0], rope[1]);
        k = model.rope(k, rope[0], rope[1]);
        NDArray scores = q.reshape(b, g, (long) h / g * s, dh).matMul(k.transpose(0, 1, 3, 2))  // (B, G, n*S, S)
                .reshape(b, h, s, s).mul((float) (1.0 / Math.sqrt(dh)));                    // (B, H, S, S)
        float[] oneHot = new float[b * s];
        for (int i = 0; i < b; i++) {
            if (columns[i] >= 0) {               // a negative column masks nothing: the baseline
                oneHot[i * s + columns[i]] = 1f;
            }
        }
        NDArray column = step.create(oneHot).reshape(b, 1, 1, s);                           // (B, 1, 1, S)
        // Set (not add) the masked logit to the dtype minimum, then apply causality.
        scores = scores.mul(column.neg().add(1f)).add(column.mul(DTYPE_MIN)).add(causal);
        NDArray probs = scores.softmax(-1);
        NDArray out = probs.reshape(b, g, (long) h / g * s, s).matMul(v).reshape(b, h, s, dh); // (B, H, S, D)
        NDArray concatHeads = out.transpose(0, 2, 1, 3).reshape(b, s, (long) h * dh);        // (B, S, H*D)
        NDArray attn = CausalDecoder.linear(concatHeads, w.oT(), w.oBias());                 // (B, S, d)
        NDArray mid = x.add(attn);
        NDArray post = mid.add(model.mlp(model.rmsNorm(mid, w.postNorm()), w));              // (B, S, d)
        return new MaskedLayer(out.get(":, :, -1, :"), attn.get(":, -1, :"), post.get(":, -1, :"));
    }


    @Override
    public void close() {
        owner.close();
    }
}
