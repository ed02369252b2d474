package io.maskimpact.model.image;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The golden files that {@code models/reference/imageproc/make_goldens.py} writes from PIL and transformers,
 * under {@code src/test/resources/imageproc/}: JSON indexes whose entries point into gzip'd little-endian
 * blobs by {@code {"offset", "length"}} in bytes.
 */
final class Goldens {
    private static final String ROOT = "/imageproc/";
    private static final String STALE = " (regenerate with: /tmp/hfref/bin/python models/reference/imageproc/make_goldens.py)";

    private Goldens() {
    }

    static JsonObject json(String path) {
        try (InputStream in = open(path)) {
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] blob(String path) {
        try (InputStream in = new GZIPInputStream(open(path))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the bytes an index entry {@code {"offset", "length"}} points at */
    static byte[] bytes(byte[] blob, JsonObject ref) {
        int offset = ref.get("offset").getAsInt();
        int length = ref.get("length").getAsInt();
        byte[] out = new byte[length];
        System.arraycopy(blob, offset, out, 0, length);
        return out;
    }

    /** @return the float32 values an index entry points at */
    static float[] floats(byte[] blob, JsonObject ref) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes(blob, ref)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buffer.remaining() / Float.BYTES];
        buffer.asFloatBuffer().get(out);
        return out;
    }

    /** @return a golden file as a path (for what is read through a file system, like images and configs) */
    static Path file(String path) {
        try {
            var url = Goldens.class.getResource(ROOT + path);
            if (url == null) {
                throw new IllegalStateException("Golden file " + ROOT + path + " is missing" + STALE);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream open(String path) {
        InputStream in = Goldens.class.getResourceAsStream(ROOT + path);
        if (in == null) {
            throw new IllegalStateException("Golden file " + ROOT + path + " is missing" + STALE);
        }
        return in;
    }
}
