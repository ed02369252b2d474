package io.maskimpact.output;

import io.maskimpact.schema.OutputSchema;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A run's output folder on any Hadoop file system: where each table and metadata file lives,
 * and the few file operations the job does outside Spark's writers.
 *
 * <p>Only the driver uses it. Table data is written by Spark ({@link TableWriter}); this class
 * writes the small JSON files (each to a temporary name, then renamed, so a reader sees the old
 * or the new file, never half of one), lists data files for the manifest, and deletes whole
 * runs (overwrite) or leftovers of killed jobs (resume).
 */
public final class RunFolder {
    /** Copies of the pairs' images, named by {@link #imageName}; the {@code pairs} table's {@code image} points here. */
    public static final String IMAGES_DIR = "images";
    /** A copy of the viewer's static app, opened from the run folder. */
    public static final String VIEWER_DIR = "viewer";
    /** A run's inputs kept beside it (the demo's toy pairs); ignored when deciding whether a folder is empty. */
    public static final String INPUT_DIR = "_input";
    private static final java.util.Set<String> IMAGE_EXTENSIONS = java.util.Set.of("png", "jpg", "jpeg", "gif", "bmp",
            "webp");

    private final Path root;
    private final FileSystem fs;

    /**
     * @param out the output folder's path or URI
     * @param conf Hadoop configuration
     */
    public RunFolder(String out, Configuration conf) {
        try {
            Path p = new Path(out);
            this.fs = p.getFileSystem(conf);
            this.root = fs.makeQualified(p);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open output folder " + out + ": " + e.getMessage(), e);
        }
    }

    /** @return the folder, fully qualified */
    public Path root() {
        return root;
    }

    /** @return the folder's file system */
    public FileSystem fs() {
        return fs;
    }

    /**
     * @param table one of {@link OutputSchema#TABLES}
     * @return its folder
     */
    public Path table(String table) {
        return new Path(root, table);
    }

    /** @return {@code _manifest.json} */
    public Path manifest() {
        return new Path(root, OutputSchema.MANIFEST_FILE);
    }

    /**
     * @param runId a run
     * @return its start record {@code _runs/<id>.json}
     */
    public Path runRecord(String runId) {
        return new Path(new Path(root, OutputSchema.RUNS_DIR), runId + ".json");
    }

    /** @return whether the folder exists and has any entry besides {@link #INPUT_DIR} */
    public boolean isNonEmpty() throws IOException {
        if (!fs.exists(root)) {
            return false;
        }
        for (FileStatus f : fs.listStatus(root)) {
            if (!f.getPath().getName().equals(INPUT_DIR)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The file name of a pair's image copy: the pair id with every character other than
     * letters, digits, '.', '_' and '-' replaced (and a hash of the id appended when anything was
     * replaced or cut, so distinct ids never share a name), plus the image's extension.
     *
     * @param pairId the pair
     * @param format the decoder's format name or the file's extension
     * @return the path relative to the run folder, e.g. {@code images/toy-7-0.png}
     */
    public static String imageName(String pairId, String format) {
        String safe = pairId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.startsWith(".")) {
            safe = "_" + safe.substring(1);
        }
        if (safe.length() > 80) {
            safe = safe.substring(0, 80);
        }
        if (!safe.equals(pairId)) {
            safe = safe + "-" + String.format("%08x", pairId.hashCode());
        }
        String ext = format == null ? "img" : format.toLowerCase(java.util.Locale.ROOT);
        if (!IMAGE_EXTENSIONS.contains(ext)) {
            ext = "img";
        }
        return IMAGES_DIR + "/" + safe + "." + ext;
    }

    /** @return whether the folder holds (part of) a mask-impact run: a manifest or a run record */
    public boolean holdsRun() throws IOException {
        return fs.exists(manifest()) || fs.exists(new Path(root, OutputSchema.RUNS_DIR));
    }

    /**
     * @param table a table
     * @return whether its folder exists
     */
    public boolean tableExists(String table) throws IOException {
        return fs.exists(table(table));
    }

    /**
     * @param table a table
     * @return whether its folder is a Delta table
     */
    public boolean isDelta(String table) throws IOException {
        return fs.exists(new Path(table(table), "_delta_log"));
    }

    /** @return the run records in {@code _runs/}, oldest first by modification time */
    public List<Path> runRecords() throws IOException {
        Path dir = new Path(root, OutputSchema.RUNS_DIR);
        if (!fs.exists(dir)) {
            return List.of();
        }
        List<FileStatus> files = new ArrayList<>(List.of(fs.listStatus(dir, p -> p.getName().endsWith(".json"))));
        files.sort(Comparator.comparingLong(FileStatus::getModificationTime).thenComparing(f -> f.getPath().getName()));
        return files.stream().map(FileStatus::getPath).toList();
    }

    /**
     * @param path a small text file
     * @return its content, or null when it does not exist
     */
    public String readText(Path path) throws IOException {
        try (FSDataInputStream in = fs.open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    /**
     * Writes a small text file under a temporary name, then renames it into place.
     *
     * @param path the file
     * @param text its content
     */
    public void writeTextAtomically(Path path, String text) throws IOException {
        Path tmp = new Path(path.getParent(), "." + path.getName() + ".tmp");
        fs.mkdirs(path.getParent());
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        fs.delete(path, false);
        if (!fs.rename(tmp, path)) {
            throw new IOException("cannot rename " + tmp + " to " + path);
        }
    }

    /**
     * @param entry a file or folder of this file system
     * @param path a path or URI, relative paths against the working folder
     * @return whether {@code path} is {@code entry} or lies inside it
     */
    public boolean contains(Path entry, String path) {
        Path p;
        try {
            p = fs.makeQualified(new Path(path));
        } catch (IllegalArgumentException e) {
            return false; // another file system
        }
        Path target = fs.makeQualified(entry);
        for (Path q = p; q != null; q = q.getParent()) {
            if (q.equals(target)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param path a file or folder to delete recursively
     * @return whether something was deleted
     */
    public boolean delete(Path path) throws IOException {
        return fs.exists(path) && fs.delete(path, true);
    }

    /**
     * Removes what a killed Spark job leaves in a table folder: {@code _temporary} (the output
     * committer's staging area, which the next job's commit would otherwise merge) and
     * {@code .spark-staging-*}.
     *
     * @param table a table
     */
    public void removeJobLeftovers(String table) throws IOException {
        Path dir = table(table);
        if (!fs.exists(dir)) {
            return;
        }
        for (FileStatus f : fs.listStatus(dir)) {
            String name = f.getPath().getName();
            if (name.equals("_temporary") || name.startsWith(".spark-staging")) {
                fs.delete(f.getPath(), true);
            }
        }
    }

    /**
     * Lists a Parquet table's data files (names not starting with {@code _} or {@code .}).
     *
     * <p>Walks the folders with {@code listStatus}: {@code FileSystem.listFiles} wraps each file
     * in a {@code LocatedFileStatus}, which asks for its permissions, and the local file system
     * without Hadoop's native library answers that by running {@code ls -ld} once per file.
     *
     * @param table a table
     * @return its files, sorted by path
     */
    public List<FileStatus> listDataFiles(String table) throws IOException {
        List<FileStatus> out = new ArrayList<>();
        Path dir = table(table);
        if (fs.exists(dir)) {
            collectDataFiles(dir, out);
        }
        out.sort(Comparator.comparing(f -> f.getPath().toString()));
        return out;
    }

    private void collectDataFiles(Path dir, List<FileStatus> out) throws IOException {
        for (FileStatus f : fs.listStatus(dir)) {
            String name = f.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue;
            }
            if (f.isDirectory()) {
                collectDataFiles(f.getPath(), out);
            } else if (name.endsWith(".parquet")) {
                out.add(f);
            }
        }
    }

    /**
     * @param path a file or folder inside the run folder
     * @return its path relative to the run folder, with '/' separators
     */
    public String relative(Path path) {
        URI base = root.toUri();
        URI rel = base.relativize(fs.makeQualified(path).toUri());
        String s = rel.getPath();
        return s.startsWith("/") ? s.substring(1) : s;
    }
}
