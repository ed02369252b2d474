package io.maskimpact.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tensors from a safetensors file into libtorch: F32 bit for bit through the mapping, BF16 widened bit for bit
 * (NaNs as NaNs) across several widening chunks (including a short last one), and the arrays writable (their own
 * memory, not the read-only mapping).
 */
class WeightStoreTest {
    @TempDir
    Path dir;

    @Test
    void f32AndBf16ArriveBitForBitAcrossWideningChunks() throws Exception {
        int rows = 5;
        int cols = WeightStore.WIDEN_CHUNK / 2 + 3;          // 2.5 chunks: boundaries inside rows, a short last chunk
        int n = rows * cols;
        Random random = new Random(7);
        float[] f32 = new float[n];
        short[] bf16 = new short[n];
        for (int i = 0; i < n; i++) {
            f32[i] = (float) random.nextGaussian() * 3;
            bf16[i] = (short) random.nextInt(1 << 16);
        }
        bf16[0] = (short) 0x7fc0;                           // NaN, -infinity and -0 stay what their bits say
        bf16[1] = (short) 0xff80;
        bf16[2] = (short) 0x8000;
        writeSafetensors(dir.resolve("model.safetensors"), rows, cols, f32, bf16);
        WeightStore store = WeightStore.open(dir, List.of());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = store.load(manager, "a", rows, cols);
            NDArray b = store.load(manager, "b", rows, cols);
            float[] af = a.toFloatArray();
            float[] bf = b.toFloatArray();
            for (int i = 0; i < n; i++) {
                assertThat(Float.floatToRawIntBits(af[i])).as("F32 value %d, bit for bit", i).isEqualTo(Float.floatToRawIntBits(f32[i]));
                float expected = Float.intBitsToFloat((bf16[i] & 0xffff) << 16);
                if (Float.isNaN(expected)) {
                    assertThat(bf[i]).as("BF16 value %d, a NaN, stays a NaN (its payload may be quieted)", i).isNaN();
                } else {
                    assertThat(Float.floatToRawIntBits(bf[i])).as("BF16 value %d widened as bits << 16 (signed zeros too)", i)
                            .isEqualTo((bf16[i] & 0xffff) << 16);
                }
            }
            a.addi(1f);                                      // on the mapping this would crash the JVM
            assertThat(a.getFloat(0, 0)).as("loaded arrays own their memory").isEqualTo(f32[0] + 1f);
        }
    }

    private static void writeSafetensors(Path file, int rows, int cols, float[] f32, short[] bf16) throws IOException {
        long aBytes = 4L * f32.length;
        long bBytes = 2L * bf16.length;
        String header = String.format("{\"a\":{\"dtype\":\"F32\",\"shape\":[%d,%d],\"data_offsets\":[0,%d]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[%d,%d],\"data_offsets\":[%d,%d]}}", rows, cols, aBytes, rows, cols, aBytes,
                aBytes + bBytes);
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate((int) (8 + h.length + aBytes + bBytes)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h);
        for (float v : f32) {
            out.putFloat(v);
        }
        for (short v : bf16) {
            out.putShort(v);
        }
        Files.write(file, out.array());
    }
}
