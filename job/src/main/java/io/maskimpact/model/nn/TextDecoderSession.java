package io.maskimpact.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.Indexes;
import io.maskimpact.model.LayerTrace;
import io.maskimpact.model.MaskedLayer;
import io.maskimpact.model.NaiveRerun;
import io.maskimpact.model.PositionIds;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.StepTrace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link DecoderSession} of a {@link TextDecoder}: keys cached as (1, G, D, S) and values as
 * (1, G, S, D) per layer, so attention needs no transpose or repeat of cached arrays.
 *
 * <p>Legend: B batch of masked columns, T new tokens, S tokens in the sequence, H heads, G key/value
 * heads, D head dim, d model dim.
 *
 * <p>Who sees whom: a query sees earlier keys and itself (causal); during the prefill, tokens of one
 * attention block see each other both ways (Gemma 3's images); a sliding-window layer hides keys
 * {@code window} or more positions back. The naive re-run uses the same rules.
 */
final class TextDecoderSession implements DecoderSession {
    /** Masked columns re-run together by the naive reference; bounds its (B, H, S, S) scores. */
    private static final int NAIVE_CHUNK = 16;

    private final TextDecoder model;
    private final PreparedPrompt prompt;
    private final NDManager owner;
    private final boolean keepLayerInputs;
    private final NDArray[] keysT;        // per layer (1, G, D, S)
    private final NDArray[] values;       // per layer (1, G, S, D)
    private final NDArray[] layerInputs;  // per layer (S, d): layer 0 (the embeddings) always, others with keepLayerInputs
    private int length;

    TextDecoderSession(TextDecoder model, PreparedPrompt prompt, NDManager parent, boolean keepLayerInputs) {
        this.model = model;
        this.prompt = prompt;
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
    public StepTrace prefill(NDManager step) {
        if (length != 0) {
            throw new IllegalStateException("prefill runs once, first");
        }
        NDArray x = prompt.embeddings().duplicate();
        x.attach(step);                                   // every result of this step now lands on step
        return forward(x, true, step);
    }

    @Override
    public StepTrace next(int tokenId, NDManager step) {
        if (length == 0) {
            throw new IllegalStateException("next() needs a prefill first");
        }
        return forward(model.embed(new int[] {tokenId}, step), false, step);
    }

    /** Runs every layer over T new tokens, (T, d), appending them to the cache. */
    private StepTrace forward(NDArray embeddings, boolean prefill, NDManager step) {
        TextConfig c = model.config();
        int t = (int) embeddings.getShape().get(0);
        int start = length;
        int total = start + t;
        if (total > c.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + total + " tokens exceeds max_position_embeddings " + c.maxPositions());
        }
        int[][] positions = prompt.positions().slice(start, t);
        Map<Rope, Rope.Tables> tables = new HashMap<>();
        Map<Integer, NDArray> masks = new HashMap<>();
        NDArray x = embeddings.expandDims(0);                                        // (1, T, d)
        List<LayerTrace> traces = new ArrayList<>(c.numLayers());
        for (int l = 0; l < c.numLayers(); l++) {
            DecoderLayer layer = model.layers().get(l);
            int layerIndex = l;
            Rope.Tables rope = tables.computeIfAbsent(layer.rope(), r -> r.tables(positions, step));
            NDArray mask = masks.computeIfAbsent(layer.window(), w -> mask(start, t, total, w, step));
            if (keepLayerInputs || l == 0) {
                layerInputs[l] = append(layerInputs[l], x.get(0), 0);
            }
            DecoderLayer.Output out = layer.forward(x, rope, mask, (k, v) -> {
                keysT[layerIndex] = append(keysT[layerIndex], k.transpose(0, 1, 3, 2), 3);  // (1, G, D, S)
                values[layerIndex] = append(values[layerIndex], v, 2);                     // (1, G, S, D)
                return new NDArray[] {keysT[layerIndex], values[layerIndex]};
            });
            NDIndex last = new NDIndex("0, :, -1, :");
            traces.add(new LayerTrace(x.get("0, -1:, :"), out.attention().scores().get(last),
                    out.attention().probs().get(last), out.attention().output().get(last),
                    out.attn().get("0, -1:, :"), out.out().get("0, -1:, :")));
            x = out.out();
            NDArray addition = prefill && l < prompt.residualAdditions().size() ? prompt.residualAdditions().get(l) : null;
            if (addition != null) {
                x = x.add(addition.expandDims(0));                                   // after the layer, outside it
            }
        }
        length = total;
        return new StepTrace(traces, model.logits(x.get("0, -1, :")));
    }

    /**
     * The additive mask of queries [start, start + count) over keys [0, keys), or null when every
     * key is visible to every query.
     */
    private NDArray mask(int start, int count, int keys, int window, NDManager manager) {
        boolean[] visible = new boolean[count * keys];
        boolean any = false;
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < keys; j++) {
                boolean v = visible(start + i, j, window);
                visible[i * keys + j] = v;
                any |= !v;
            }
        }
        return any ? Attention.additive(visible, count, keys, manager) : null;
    }

    /** Whether query position q sees key position k at a layer with this window (0: none). */
    private boolean visible(int q, int k, int window) {
        int[] blocks = prompt.attentionBlocks();
        boolean sameBlock = blocks != null && q < blocks.length && k < blocks.length && blocks[q] >= 0 && blocks[q] == blocks[k];
        boolean attends = k <= q || sameBlock;
        return attends && (window == 0 || q - k < window);
    }

    /** Appends to a cache array, which stays on this session's manager. */
    private NDArray append(NDArray cache, NDArray addition, int axis) {
        if (cache == null) {
            NDArray first = addition.duplicate();
            first.attach(owner);
            return first;
        }
        NDArray grown = cache.concat(addition, axis);                               // first operand: lands on owner
        cache.close();
        return grown;
    }

    @Override
    public NDArray valuesPerHead(int layer, int[] positions, NDManager step) {
        NDArray index = Indexes.of(step, positions);
        NDArray picked = values[layer].get(new NDIndex("0, :, {}, :", index));     // (G, P, D)
        picked.attach(step);
        int n = model.config().numHeads() / model.config().numKvHeads();
        return n == 1 ? picked : picked.repeat(0, n);                               // (H, P, D), repeat_interleave
    }

    @Override
    public NDArray outputProjection(int layer, NDArray heads) {
        return model.layers().get(layer).outputProjection(heads);
    }

    @Override
    public NDArray finishLayer(int layer, NDArray residPre, NDArray attn) {
        return model.layers().get(layer).finish(residPre, attn);
    }

    @Override
    public int firstVisibleKey(int layer) {
        int window = model.layers().get(layer).window();
        return window == 0 ? 0 : Math.max(0, length - window);
    }

    @Override
    public NDArray logitsHiding(int[][] hidden, int firstLayer, int lastLayer, NDManager step) {
        int from = length;
        for (int[] columns : hidden) {
            from = Math.min(from, firstAffected(columns));
        }
        return rerunFrom(from, hidden, firstLayer, lastLayer, step);
    }

    /**
     * The first position whose hidden states hiding these keys can change: the first key, or an
     * earlier position of a bidirectional attention block that holds one of them (Gemma 3's image
     * tokens see each other both ways, so the whole block is recomputed).
     */
    private int firstAffected(int[] columns) {
        int[] blocks = prompt.attentionBlocks();
        int first = length;
        for (int c : columns) {
            int start = c;
            if (blocks != null && c < blocks.length && blocks[c] >= 0) {
                while (start > 0 && blocks[start - 1] == blocks[c]) {
                    start--;
                }
            }
            first = Math.min(first, start);
        }
        return first;
    }

    /**
     * The decoder over positions [from, S), B times, each entry with its keys hidden at layers
     * firstLayer..lastLayer; keys and values before {@code from} come from the cache. Layers below
     * firstLayer are unchanged, so the re-run starts at firstLayer's input when the session keeps
     * it, else at the embeddings. Package-private for the test that re-runs from position 0.
     *
     * @return logits at the final position, (B, V)
     */
    NDArray rerunFrom(int from, int[][] hidden, int firstLayer, int lastLayer, NDManager step) {
        TextConfig c = model.config();
        int b = hidden.length;
        int t = length - from;
        int startLayer = keepLayerInputs ? firstLayer : 0;
        NDArray input = layerInputs[startLayer].get(from + ":");
        input.attach(step);                                                          // (T, d)
        NDArray x = input.expandDims(0).repeat(0, b);                               // (B, T, d)
        int[][] positions = prompt.positions().slice(from, t);
        Map<Rope, Rope.Tables> tables = new HashMap<>();
        Map<Integer, NDArray> plainMasks = new HashMap<>();
        Map<Integer, NDArray> hidingMasks = new HashMap<>();
        for (int l = startLayer; l < c.numLayers(); l++) {
            DecoderLayer layer = model.layers().get(l);
            Rope.Tables rope = tables.computeIfAbsent(layer.rope(), r -> r.tables(positions, step));
            boolean hides = l >= firstLayer && l <= lastLayer;
            NDArray mask = hides
                    ? hidingMasks.computeIfAbsent(layer.window(), w -> hidingMask(from, hidden, w, step))
                    : plainMasks.computeIfAbsent(layer.window(), w -> mask(from, t, length, w, step));
            NDArray prefixK = from == 0 ? null : prefix(keysT[l], ":, :, :, :" + from, b, step);   // (B, G, D, from)
            NDArray prefixV = from == 0 ? null : prefix(values[l], ":, :, :" + from + ", :", b, step); // (B, G, from, D)
            DecoderLayer.Output out = layer.forward(x, rope, mask, (k, v) -> {
                NDArray kT = k.transpose(0, 1, 3, 2);                                // (B, G, D, T)
                return from == 0 ? new NDArray[] {kT, v} : new NDArray[] {prefixK.concat(kT, 3), prefixV.concat(v, 2)};
            });
            x = out.out();
            NDArray addition = l < prompt.residualAdditions().size() ? prompt.residualAdditions().get(l) : null;
            int promptRows = prompt.length() - from;
            if (addition != null && promptRows > 0) {
                // as the prefill adds it: to the prompt's rows, after the layer; generated rows get none
                NDArray rows = addition.get(from + ":");                             // (promptRows, d)
                rows.attach(step);
                if (promptRows < t) {
                    rows = rows.concat(step.zeros(new Shape(t - promptRows, c.hiddenSize())), 0);   // (T, d)
                }
                x = x.add(rows.expandDims(0));
            }
        }
        return model.logits(x.get(":, -1, :"));                                     // (B, V)
    }

    /** A cached array's first positions, repeated over the batch, on the step's manager. */
    private static NDArray prefix(NDArray cache, String index, int b, NDManager step) {
        NDArray part = cache.get(index);
        part.attach(step);
        return b == 1 ? part : part.repeat(0, b);
    }

    /** The additive mask of queries [from, S) over keys [0, S), per entry with its keys hidden, (B, 1, T, S). */
    private NDArray hidingMask(int from, int[][] hidden, int window, NDManager step) {
        int b = hidden.length;
        int t = length - from;
        int s = length;
        boolean[] visible = new boolean[b * t * s];
        for (int e = 0; e < b; e++) {
            boolean[] hide = new boolean[s];
            for (int k : hidden[e]) {
                hide[k] = true;
            }
            for (int i = 0; i < t; i++) {
                for (int k = 0; k < s; k++) {
                    visible[(e * t + i) * s + k] = !hide[k] && visible(from + i, k, window);
                }
            }
        }
        return Attention.additive(visible, b * t, s, step).reshape(b, 1, t, s);
    }

    @Override
    public NaiveRerun naive() {
        if (!keepLayerInputs) {
            throw new IllegalStateException("the naive re-run needs a session opened with keepLayerInputs");
        }
        return this::rerunMasked;
    }

    private MaskedLayer rerunMasked(int layer, int[] columns, NDManager step) {
        NDArray input = layerInputs[layer].duplicate();
        input.attach(step);                                                          // (S, d)
        DecoderLayer l = model.layers().get(layer);
        Rope.Tables rope = l.rope().tables(prompt.positions().slice(0, length), step);
        List<NDArray> heads = new ArrayList<>();
        List<NDArray> attns = new ArrayList<>();
        List<NDArray> posts = new ArrayList<>();
        for (int from = 0; from < columns.length; from += NAIVE_CHUNK) {
            int[] chunk = Arrays.copyOfRange(columns, from, Math.min(columns.length, from + NAIVE_CHUNK));
            MaskedLayer part = rerunChunk(l, input, chunk, rope, step);
            heads.add(part.heads());
            attns.add(part.attn());
            posts.add(part.residPost());
        }
        return new MaskedLayer(NDArrays.concat(new NDList(heads)), NDArrays.concat(new NDList(attns)),
                NDArrays.concat(new NDList(posts)));
    }

    /** The whole layer over all S positions, B times, each with one key column hidden from every query. */
    private MaskedLayer rerunChunk(DecoderLayer layer, NDArray input, int[] columns, Rope.Tables rope, NDManager step) {
        int b = columns.length;
        int s = length;
        boolean[] visible = new boolean[b * s * s];
        for (int e = 0; e < b; e++) {
            for (int q = 0; q < s; q++) {
                for (int k = 0; k < s; k++) {
                    visible[(e * s + q) * s + k] = k != columns[e] && visible(q, k, layer.window());
                }
            }
        }
        NDArray mask = Attention.additive(visible, b * s, s, step).reshape(b, 1, s, s);   // (B, 1, S, S)
        NDArray x = input.expandDims(0).repeat(0, b);                                         // (B, S, d)
        DecoderLayer.Output out = layer.forward(x, rope, mask, (k, v) -> new NDArray[] {k.transpose(0, 1, 3, 2), v});
        return new MaskedLayer(out.attention().output().get(":, :, -1, :"), out.attn().get(":, -1, :"),
                out.out().get(":, -1, :"));
    }

    @Override
    public void close() {
        owner.close();
    }
}
