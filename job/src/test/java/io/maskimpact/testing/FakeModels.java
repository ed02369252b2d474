package io.maskimpact.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes fake model folders ({@link FakeBackend}) for tests. */
public final class FakeModels {

    private FakeModels() {
    }

    /**
     * @param dir the folder to create
     * @param layers decoder layers
     * @param heads attention heads
     * @param gridRows image grid rows
     * @param gridCols image grid columns
     * @return a config node to add options to (delay_ms, fail_pairs, crash_pairs, crash_first_attempt_pairs, max_context, broken,
     *     tiles: [tile rows, tile cols]); call {@link #save}
     */
    public static ObjectNode config(Path dir, int layers, int heads, int gridRows, int gridCols) {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("model_type", FakeBackend.MODEL_TYPE);
        c.put("layers", layers);
        c.put("heads", heads);
        c.put("grid_rows", gridRows);
        c.put("grid_cols", gridCols);
        return c;
    }

    /**
     * @param dir the model folder
     * @param config its config
     * @return the folder
     */
    public static Path save(Path dir, ObjectNode config) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), config.toPrettyString());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return a fake model with 2 layers, 2 heads and a 2x3 grid
     */
    public static Path write(Path dir) {
        return save(dir, config(dir, 2, 2, 2, 3));
    }
}
