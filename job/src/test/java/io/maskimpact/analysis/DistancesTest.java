package io.maskimpact.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Distances on vectors whose float32 rounding matters. */
class DistancesTest {

    @Test
    void cosineDistanceOfAVectorToItselfIsNeverNegative() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            manager.getEngine().setRandomSeed(7);
            NDArray x = manager.randomNormal(new Shape(2000, 96)); // (n, k): float32 rounding makes some x.x/|x||x| > 1
            float[] d = Distances.cosine(x, x.duplicate()).toFloatArray();
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : d) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertThat(min).as("cosine distances of identical vectors are clamped at 0").isGreaterThanOrEqualTo(0f);
            assertThat(max).as("and stay within float32 rounding of 0").isLessThan(1e-6f);
        }
    }
}
