package io.maskimpact.model.hf;

import io.maskimpact.model.ModelLoadException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The tensors of a Hugging Face checkpoint: one {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json}; every tensor is widened to float32 as it is loaded.
 *
 * <p>Checkpoints of different transformers releases name the same module differently
 * ({@code language_model.model.layers.0} in 4.x files and in what 5.x saves, {@code
 * model.language_model.layers.0} inside transformers 5). A family opens the store with the
 * {@link Renaming}s transformers applies at load (its {@code conversion_mapping.py}), so that it
 * reads every layout under one name: the name of the module in transformers' own model.
 *
 * <p>Written by hand because DJL's {@code NDList.decode} reads a whole file into one byte array
 * (no shard over 2 GiB) and aborts the JVM on BF16 with the PyTorch engine; here each tensor is
 * memory-mapped on its own and goes from the mapping into libtorch's memory without passing through the
 * Java heap: F32, F16 and I64 by libtorch's own copy (or conversion), BF16 widened in Java
 * ({@code bits << 16}, bit-exact) in small chunks. A load's memory beyond the result is the touched pages of
 * the mapping (page cache, released by the OS) and a 4 MiB buffer.
 */
public final class WeightStore {
    /** Values widened per chunk from BF16: a 4 MiB direct buffer. */
    static final int WIDEN_CHUNK = 1 << 20;

    private final Path dir;
    private final Map<String, Entry> entries;

    private record Entry(Path file, String dtype, long[] shape, long begin, long end) {
    }

    /**
     * One rename of stored tensor names, as transformers' {@code WeightRenaming}: the first match of
     * a regular expression is replaced (with {@code $1}-style groups).
     *
     * @param source the pattern
     * @param target the replacement
     */
    public record Renaming(java.util.regex.Pattern source, String target) {
        /**
         * @param source the pattern
         * @param target the replacement
         * @return the renaming
         */
        public static Renaming of(String source, String target) {
            return new Renaming(java.util.regex.Pattern.compile(source), target);
        }

        String apply(String name) {
            return source.matcher(name).replaceFirst(target);
        }
    }

    private WeightStore(Path dir, Map<String, Entry> entries) {
        this.dir = dir;
        this.entries = entries;
    }

    /**
     * Indexes the safetensors files of a model directory (headers only; no tensor is read).
     *
     * @param dir the model directory
     * @param renamings applied in order to every stored name
     * @return the store
     * @throws ModelLoadException when there are no weights or a header is unreadable
     */
    public static WeightStore open(Path dir, List<Renaming> renamings) throws ModelLoadException {
        List<Path> files = new ArrayList<>();
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            JsonObject weightMap = HfConfig.read(index).json().getAsJsonObject("weight_map");
            if (weightMap == null) {
                throw new ModelLoadException("Cannot load model: " + index + " has no 'weight_map'");
            }
            for (String shard : new TreeSet<>(weightMap.entrySet().stream().map(e -> e.getValue().getAsString()).toList())) {
                files.add(dir.resolve(shard));
            }
        } else {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.safetensors")) {
                stream.forEach(files::add);
            } catch (IOException e) {
                throw new ModelLoadException("Cannot load model: cannot list " + dir + " (" + e.getMessage() + ")", e);
            }
            files.sort(null);
        }
        if (files.isEmpty()) {
            throw new ModelLoadException("Cannot load model: no *.safetensors weights in " + dir
                    + " (convert .bin checkpoints to safetensors first)");
        }
        Map<String, Entry> stored = new LinkedHashMap<>();
        for (Path file : files) {
            readHeader(file, stored);
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : stored.entrySet()) {
            String name = e.getKey();
            for (Renaming r : renamings) {
                name = r.apply(name);
            }
            Entry clash = entries.put(name, e.getValue());
            if (clash != null) {
                throw new ModelLoadException("Cannot load model: two tensors of " + dir + " map to '" + name
                        + "' (the checkpoint mixes weight layouts; keep one)");
            }
        }
        return new WeightStore(dir, entries);
    }

    private static void readHeader(Path file, Map<String, Entry> entries) throws ModelLoadException {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("Cannot load model: weight shard " + file + " is missing");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > 100_000_000L || 8 + headerLength > channel.size()) {
                throw new ModelLoadException("Cannot load model: " + file + " is not a safetensors file (bad header length " + headerLength + ")");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            channel.read(header, 8);
            JsonObject json = JsonParser.parseString(new String(header.array(), StandardCharsets.UTF_8)).getAsJsonObject();
            long dataStart = 8 + headerLength;
            for (Map.Entry<String, JsonElement> e : json.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonObject t = e.getValue().getAsJsonObject();
                long[] shape = new long[t.getAsJsonArray("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.getAsJsonArray("shape").get(i).getAsLong();
                }
                var offsets = t.getAsJsonArray("data_offsets");
                entries.put(e.getKey(), new Entry(file, t.get("dtype").getAsString(), shape,
                        dataStart + offsets.get(0).getAsLong(), dataStart + offsets.get(1).getAsLong()));
            }
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("Cannot load model: cannot read the safetensors header of " + file + " (" + e.getMessage() + ")", e);
        }
    }

    /** @return every tensor name */
    public java.util.Set<String> names() {
        return entries.keySet();
    }

    /**
     * @param name a tensor name
     * @return its shape as stored
     */
    public long[] shapeOf(String name) throws ModelLoadException {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new ModelLoadException("Cannot load model: tensor '" + name + "' is missing from the weights in " + dir);
        }
        return entry.shape().clone();
    }

    /** @return whether a tensor of this name exists */
    public boolean has(String name) {
        return entries.containsKey(name);
    }

    /**
     * Loads one tensor, floating point ones as float32 (I64 stays int64), checking its shape.
     *
     * @param manager the owner of the new array (the model's manager, on its device)
     * @param name the tensor name
     * @param expected the shape the config implies
     * @return the tensor
     * @throws ModelLoadException when it is missing, of another shape, or of an unsupported dtype
     */
    public NDArray load(NDManager manager, String name, long... expected) throws ModelLoadException {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new ModelLoadException("Cannot load model: tensor '" + name + "' is missing from the weights in " + dir);
        }
        if (!Arrays.equals(entry.shape(), expected)) {
            throw new ModelLoadException("Cannot load model: tensor '" + name + "' in " + entry.file()
                    + " has shape " + Arrays.toString(entry.shape()) + ", expected " + Arrays.toString(expected)
                    + " from config.json (weights and config do not belong together: use the config.json saved with these weights)");
        }
        Shape shape = new Shape(expected);
        try (FileChannel channel = FileChannel.open(entry.file(), StandardOpenOption.READ)) {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, entry.begin(), entry.end() - entry.begin());
            mapped.order(ByteOrder.LITTLE_ENDIAN);
            return switch (entry.dtype()) {
                case "F32" -> copyOf(manager, mapped, shape, DataType.FLOAT32);
                case "I64" -> copyOf(manager, mapped, shape, DataType.INT64);
                case "BF16" -> widenBf16(manager, mapped, shape);
                // F16 is safe in this engine (only BF16 aborts), so libtorch widens it.
                case "F16" -> {
                    try (NDArray half = manager.create(mapped, shape, DataType.FLOAT16)) {
                        yield half.toType(DataType.FLOAT32, true);
                    }
                }
                default -> throw new ModelLoadException("Cannot load model: tensor '" + name + "' has dtype " + entry.dtype()
                        + " (supported: F32, F16, BF16, I64)");
            };
        } catch (IOException e) {
            throw new ModelLoadException("Cannot load model: cannot read " + entry.file() + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * An array created from the mapping uses the file's pages as its storage (no copy); libtorch then copies
     * them into memory of its own, because an in-place op on a read-only mapping would crash the JVM. The
     * Java heap never holds the tensor.
     */
    private static NDArray copyOf(NDManager manager, ByteBuffer mapped, Shape shape, DataType type) {
        try (NDArray view = manager.create(mapped, shape, type)) {
            return view.duplicate();
        }
    }

    /**
     * BF16 widened to float32 ({@code bits << 16}, bit-exact but for NaN payloads) in chunks of
     * {@link #WIDEN_CHUNK} values through one small direct buffer, each chunk multiplied in place into its slice
     * (a view) of a float32 array of ones that libtorch allocated: memory beyond the result stays bounded, whatever
     * the tensor's size. (A BF16 array in this engine aborts the JVM, so libtorch cannot widen it itself; DJL's
     * {@code set} of a slice took 16 ms per chunk, against well under 1 ms for the in-place product.)
     */
    static NDArray widenBf16(NDManager manager, ByteBuffer source, Shape shape) {
        long n = shape.size();
        ByteBuffer chunk = ByteBuffer.allocateDirect(4 * (int) Math.min(n, WIDEN_CHUNK)).order(ByteOrder.nativeOrder());
        NDArray flat = manager.ones(new Shape(n), DataType.FLOAT32);
        for (long from = 0; from < n; from += WIDEN_CHUNK) {
            int count = (int) Math.min(WIDEN_CHUNK, n - from);
            for (int i = 0; i < count; i++) {
                chunk.putFloat(4 * i, Float.intBitsToFloat((source.getShort(Math.toIntExact(2 * (from + i))) & 0xffff) << 16));
            }
            try (NDArray part = manager.create(chunk.slice(0, 4 * count).order(ByteOrder.nativeOrder()), new Shape(count),
                    DataType.FLOAT32)) {
                try (NDArray slice = flat.get(new NDIndex(from + ":" + (from + count)))) {
                    slice.muli(part);                                    // 1 * x = x, bit for bit, -0 included
                }
            }
        }
        NDArray out = flat.reshape(shape);
        flat.close();
        return out;
    }

}
