package io.maskimpact.analysis;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.maskimpact.model.Indexes;
import io.maskimpact.model.LayerInternals;
import io.maskimpact.model.LayerTrace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The closed form on hand-made attention states (no model): zero-weight keys, a key holding all
 * the attention, and a one-token sequence. The rest of the layer is a fixed nonlinear map so
 * that Full and Attn are not trivially equal to the head outputs.
 */
class ExactMaskingTest {
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** One layer, H heads over S keys with the given logits and values; o_proj is identity, MLP is tanh. */
    private static final class FakeLayer implements LayerInternals {
        private final NDArray values; // (H, S, D)
        private final int firstVisible;

        FakeLayer(NDArray values) {
            this(values, 0);
        }

        /** A layer whose final position sees keys from {@code firstVisible} on (a sliding window). */
        FakeLayer(NDArray values, int firstVisible) {
            this.values = values;
            this.firstVisible = firstVisible;
        }

        @Override
        public NDArray valuesPerHead(int layer, int[] positions, NDManager step) {
            return values.get(new NDIndex(":, {}, :", Indexes.of(step, positions)));
        }

        @Override
        public NDArray outputProjection(int layer, NDArray heads) {
            return heads.mul(1f);
        }

        @Override
        public NDArray finishLayer(int layer, NDArray residPre, NDArray attn) {
            NDArray mid = attn.add(residPre);
            return mid.add(mid.tanh());
        }

        @Override
        public int firstVisibleKey(int layer) {
            return firstVisible;
        }
    }

    private LayerTrace trace(float[][] logits, NDArray values) {
        int h = logits.length;
        int s = logits[0].length;
        NDArray scores = manager.create(logits);                                   // (H, S)
        NDArray probs = scores.softmax(-1);
        NDArray heads = probs.expandDims(1).matMul(values).squeeze(1);              // (H, D)
        NDArray residPre = manager.create(new float[(int) heads.size()]).add(0.3f).reshape(1, heads.size());
        return new LayerTrace(residPre, scores, probs, heads, heads.reshape(1, heads.size()), null);
    }

    private NDArray values(int h, int s, int d) {
        return manager.randomNormal(new ai.djl.ndarray.types.Shape(h, s, d));
    }

    @Test
    void keyWithZeroWeightGivesExactlyZeroDistance() {
        NDArray v = values(2, 4, 3);
        // exp(-200) underflows to 0 in float32: key 1 gets weight 0 exactly in both heads.
        LayerTrace t = trace(new float[][] {{1f, -200f, 0.5f, 2f}, {0f, -300f, 1f, -1f}}, v);
        assertThat(t.probs().get(0, 1).getFloat()).as("weight of key 1").isZero();
        LayerOutputs out = new ExactMasking(true).compute(new FakeLayer(v), 0, t, new int[] {1, 3}, manager);
        float[] headL2 = Distances.l2(out.maskedHeads(), out.baseHeads()).toFloatArray();  // (P, H)
        float[] fullL2 = Distances.l2(out.maskedFull(), out.baseFull()).toFloatArray();
        float[] attnCos = Distances.cosine(out.maskedAttn(), out.baseAttn()).toFloatArray();
        assertThat(headL2[0]).as("head 0, zero-weight key").isZero();
        assertThat(headL2[1]).as("head 1, zero-weight key").isZero();
        assertThat(fullL2[0]).as("Full, zero-weight key").isZero();
        assertThat(attnCos[0]).as("Attn cosine, zero-weight key").isCloseTo(0f, within(1e-6f));
        assertThat(fullL2[1]).as("Full, attended key 3").isGreaterThan(1e-3f);
    }

    @Test
    void keyHoldingAllAttentionIsRenormalizedOverTheOtherKeys() {
        NDArray v = values(1, 3, 4);
        // Key 0 takes all the weight (1 - a underflows to 0): the closed form would divide 0 by 0.
        LayerTrace t = trace(new float[][] {{120f, 0.5f, -0.5f}}, v);
        assertThat(t.probs().get(0, 0).getFloat()).as("weight of key 0").isEqualTo(1f);
        LayerOutputs out = new ExactMasking(true).compute(new FakeLayer(v), 0, t, new int[] {0}, manager);
        // The naive semantics: the softmax over the remaining keys 1 and 2.
        float w1 = (float) (Math.exp(0.5) / (Math.exp(0.5) + Math.exp(-0.5)));
        NDArray expected = v.get("0, 1, :").mul(w1).add(v.get("0, 2, :").mul(1 - w1));
        float[] got = out.maskedHeads().get("0, 0, :").toFloatArray();
        float[] want = expected.toFloatArray();
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("masked head output [%d]", i).isCloseTo(want[i], within(1e-5f));
        }
        assertThat(Float.isFinite(Distances.l2(out.maskedFull(), out.baseFull()).getFloat(0))).isTrue();
    }

    @Test
    void oneTokenSequenceIsUnchangedByMasking() {
        NDArray v = values(2, 1, 3);
        LayerTrace t = trace(new float[][] {{0.7f}, {-2f}}, v);
        LayerOutputs out = new ExactMasking(true).compute(new FakeLayer(v), 0, t, new int[] {0}, manager);
        assertThat(Distances.l2(out.maskedHeads(), out.baseHeads()).toFloatArray()).containsOnly(0f);
        assertThat(Distances.l2(out.maskedFull(), out.baseFull()).toFloatArray()).containsOnly(0f);
    }

    @Test
    void closedFormMatchesDirectSoftmaxOverRemainingKeys() {
        NDArray v = values(3, 5, 4);
        float[][] logits = {{0.1f, 1.2f, -0.3f, 0.8f, 0f}, {2f, -1f, 0.5f, 0.5f, 1f}, {-0.2f, 0.3f, 0.9f, -1.5f, 0.4f}};
        LayerTrace t = trace(logits, v);
        int[] positions = {0, 2, 4};
        LayerOutputs out = new ExactMasking(true).compute(new FakeLayer(v), 0, t, positions, manager);
        for (int pi = 0; pi < positions.length; pi++) {
            for (int h = 0; h < 3; h++) {
                float[] hide = new float[5];
                hide[positions[pi]] = Float.NEGATIVE_INFINITY;
                NDArray w = manager.create(logits[h]).add(manager.create(hide)).softmax(-1);
                float[] want = w.expandDims(0).matMul(v.get(h)).squeeze(0).toFloatArray();
                float[] got = out.maskedHeads().get(pi + ", " + h + ", :").toFloatArray();
                for (int i = 0; i < want.length; i++) {
                    assertThat(got[i]).as("position %d head %d [%d]", positions[pi], h, i).isCloseTo(want[i], within(1e-5f));
                }
            }
        }
    }

    @Test
    void keysOutsideTheWindowKeepTheBaselineAndTheOthersTheirClosedForm() {
        NDArray v = values(2, 6, 3);
        LayerTrace t = trace(new float[][] {{0.3f, 1f, -0.5f, 0.8f, 0f, 1.1f}, {1f, -1f, 0.2f, 0.6f, -0.4f, 0.9f}}, v);
        int[] positions = {0, 1, 2, 3, 4, 5};
        LayerOutputs windowed = new ExactMasking(true).compute(new FakeLayer(v, 3), 0, t, positions, manager);
        LayerOutputs all = new ExactMasking(true).compute(new FakeLayer(v, 0), 0, t, positions, manager);
        float[] fullL2 = Distances.l2(windowed.maskedFull(), windowed.baseFull()).toFloatArray();
        float[] headL2 = Distances.l2(windowed.maskedHeads(), windowed.baseHeads()).toFloatArray();   // (P, H)
        float[] allFullL2 = Distances.l2(all.maskedFull(), all.baseFull()).toFloatArray();
        for (int p = 0; p < 3; p++) {
            assertThat(fullL2[p]).as("Full of key %d, outside the window", p).isZero();
            assertThat(headL2[2 * p]).as("head 0 of key %d, outside the window", p).isZero();
        }
        for (int p = 3; p < 6; p++) {
            assertThat(fullL2[p]).as("Full of key %d, inside the window", p).isCloseTo(allFullL2[p], within(1e-6f)).isPositive();
        }
    }
}
