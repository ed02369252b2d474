package io.maskimpact.toy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Deterministic generator of the toy image/question pairs (JDK only, no AWT).
 *
 * <p>Each image is RGB on a plain {@link #BACKGROUND} background, split into a grid of square cells that is
 * exactly the grid the model's vision tower sees (a {@link Layout}): by default {@value #SIZE}x{@value #SIZE}
 * pixels in a {@value #GRID}x{@value #GRID} grid of {@value #CELL}-pixel cells, tiny-llava's patch grid
 * (patch size 16); a Qwen-VL model's layout has cells of its merged 2x2 patches. Three shapes (circle, square, triangle, each once)
 * with three distinct colours out of red, green, blue, yellow sit in three distinct random cells, each
 * drawn inside its own cell without antialiasing, so every pixel is either the background or exactly
 * one of the {@link Colour} values. The question asks for the colour of one of the shapes:
 * {@code what colour is the <shape>?}; the answer is {@code it is <colour>}; the target cell is the
 * cell of that shape.
 *
 * <p>Pair {@code i} of seed {@code s} has the id {@code toy-<s>-<i>} and depends only on
 * {@code (s, i)} and the layout, so any pair can be regenerated alone ({@link #sample(long, int, Layout)});
 * the same pair in two layouts has the same shapes, colours, cells and question.
 *
 * <p>Output of {@link #write(long, int, Path)}:
 * <pre>
 * outDir/images/toy-S-I.png      8-bit RGB PNG, 96x96 by default
 * outDir/manifest.jsonl          one JSON object per line:
 *   {"pair_id":"toy-7-0","image":"images/toy-7-0.png","question":"what colour is the circle?",
 *    "answer":"it is red","target_cells":[[2,3]],
 *    "objects":[{"shape":"circle","colour":"red","row":2,"col":3}, ...]}
 * </pre>
 * {@code target_cells} lists {@code [row, col]} cells (row 0 at the top, col 0 at the left).
 * {@code objects} describes all three shapes (an extra field for tests and notebooks).
 */
public final class ToyData {

  /** Image width and height in pixels. */
  public static final int SIZE = 96;
  /** Cell (= vision patch) size in pixels. */
  public static final int CELL = 16;
  /** Cells per image side. */
  public static final int GRID = SIZE / CELL;
  /** Background colour, packed 0xRRGGBB. */
  public static final int BACKGROUND = 0xF0F0F0;

  /** The shapes, in the order used by the generator. */
  public enum Shape {
    CIRCLE, SQUARE, TRIANGLE;

    /** The word used in questions. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The colours, with their exact RGB values. */
  public enum Colour {
    RED(0xDC2828), GREEN(0x28AA3C), BLUE(0x2850DC), YELLOW(0xEBC81E);

    /** Packed 0xRRGGBB. */
    public final int rgb;

    Colour(int rgb) {
      this.rgb = rgb;
    }

    /** The word used in answers. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Where the shapes go: a {@code grid}x{@code grid} grid of {@code cell}-pixel cells.
   *
   * @param grid cells per image side, at least 2 (three shapes need three cells)
   * @param cell cell side in pixels, at least 4
   */
  public record Layout(int grid, int cell) {
    /** Checks the sizes. */
    public Layout {
      if (grid < 2 || cell < 4) {
        throw new IllegalArgumentException("toy layout needs a grid of at least 2 cells a side and cells of at "
            + "least 4 pixels, got grid " + grid + ", cell " + cell);
      }
    }

    /** @return the image side in pixels */
    public int size() {
      return grid * cell;
    }
  }

  /** tiny-llava's layout: {@value #GRID}x{@value #GRID} cells of {@value #CELL} pixels. */
  public static final Layout DEFAULT = new Layout(GRID, CELL);

  /** One shape placed in a grid cell. */
  public record ToyObject(Shape shape, Colour colour, int row, int col) {
  }

  /**
   * One generated pair.
   *
   * @param pairId {@code toy-<seed>-<index>}
   * @param layout the grid the shapes are laid out on
   * @param rgb {@code layout.size()}^2 packed 0xRRGGBB pixels, row-major
   * @param objects the three shapes
   * @param target index into {@code objects} of the shape the question asks about
   */
  public record Sample(String pairId, Layout layout, int[] rgb, List<ToyObject> objects, int target) {
    /** The question, e.g. {@code what colour is the circle?}. */
    public String question() {
      return "what colour is the " + objects.get(target).shape().word() + "?";
    }

    /** The expected answer, e.g. {@code it is red}. */
    public String answer() {
      return "it is " + objects.get(target).colour().word();
    }

    /** The asked-about shape's cell as {@code {row, col}}. */
    public int[] targetCell() {
      ToyObject o = objects.get(target);
      return new int[] {o.row(), o.col()};
    }

    /** The image relative path used in the manifest. */
    public String imagePath() {
      return "images/" + pairId + ".png";
    }

    /** The image as a PNG file's bytes. */
    public byte[] png() {
      return encodePng(rgb, layout.size(), layout.size());
    }

    /** The manifest line (JSON, no trailing newline). */
    public String manifestLine() {
      StringBuilder sb = new StringBuilder(256);
      sb.append("{\"pair_id\":").append(jsonString(pairId))
          .append(",\"image\":").append(jsonString(imagePath()))
          .append(",\"question\":").append(jsonString(question()))
          .append(",\"answer\":").append(jsonString(answer()))
          .append(",\"target_cells\":[[").append(targetCell()[0]).append(',').append(targetCell()[1])
          .append("]],\"objects\":[");
      for (int i = 0; i < objects.size(); i++) {
        ToyObject o = objects.get(i);
        if (i > 0) {
          sb.append(',');
        }
        sb.append("{\"shape\":").append(jsonString(o.shape().word()))
            .append(",\"colour\":").append(jsonString(o.colour().word()))
            .append(",\"row\":").append(o.row())
            .append(",\"col\":").append(o.col()).append('}');
      }
      return sb.append("]}").toString();
    }
  }

  private ToyData() {
  }

  /**
   * Writes {@code n} pairs of seed {@code seed} (indices 0..n-1) to {@code outDir}: the PNGs under
   * {@code outDir/images/} and {@code outDir/manifest.jsonl} (UTF-8, one line per pair, '\n' line ends).
   * Same arguments give byte-identical files. Existing files of the same names are overwritten.
   *
   * @param seed any long
   * @param n number of pairs, >= 0
   * @param outDir output directory (created if needed)
   * @throws UncheckedIOException if writing fails
   */
  public static void write(long seed, int n, Path outDir) {
    write(seed, n, outDir, DEFAULT);
  }

  /**
   * Writes {@code n} pairs of seed {@code seed} laid out on {@code layout}; otherwise as {@link #write(long, int,
   * Path)}.
   */
  public static void write(long seed, int n, Path outDir, Layout layout) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    try {
      Path images = outDir.resolve("images");
      Files.createDirectories(images);
      try (Writer w = Files.newBufferedWriter(outDir.resolve("manifest.jsonl"), StandardCharsets.UTF_8)) {
        for (int i = 0; i < n; i++) {
          Sample s = sample(seed, i, layout);
          Files.write(outDir.resolve(s.imagePath()), s.png());
          w.write(s.manifestLine());
          w.write('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write toy data to " + outDir, e);
    }
  }

  /**
   * Generates pair {@code index} of seed {@code seed} in the default layout; depends only on these two numbers.
   */
  public static Sample sample(long seed, int index) {
    return sample(seed, index, DEFAULT);
  }

  /**
   * Generates pair {@code index} of seed {@code seed} laid out on {@code layout}.
   */
  public static Sample sample(long seed, int index, Layout layout) {
    int grid = layout.grid();
    Random rng = new Random(mix(seed, index));
    // three distinct cells
    int[] cells = new int[3];
    for (int k = 0; k < 3; k++) {
      int c;
      boolean clash;
      do {
        c = rng.nextInt(grid * grid);
        clash = false;
        for (int j = 0; j < k; j++) {
          clash |= cells[j] == c;
        }
      } while (clash);
      cells[k] = c;
    }
    // three distinct colours out of four, in random order
    Colour[] colours = Colour.values().clone();
    for (int i = colours.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      Colour t = colours[i];
      colours[i] = colours[j];
      colours[j] = t;
    }
    List<ToyObject> objects = new ArrayList<>(3);
    int[] rgb = new int[layout.size() * layout.size()];
    java.util.Arrays.fill(rgb, BACKGROUND);
    Shape[] shapes = Shape.values();
    for (int k = 0; k < 3; k++) {
      ToyObject o = new ToyObject(shapes[k], colours[k], cells[k] / grid, cells[k] % grid);
      objects.add(o);
      // 1 or 2 px inside a 16-px cell, scaled with the cell
      int margin = Math.max(1, (1 + rng.nextInt(2)) * layout.cell() / CELL);
      draw(rgb, layout, o, margin);
    }
    int target = rng.nextInt(3);
    return new Sample("toy-" + seed + "-" + index, layout, rgb, List.copyOf(objects), target);
  }

  /** Draws one shape inside its cell, leaving {@code margin} background pixels on each side. */
  private static void draw(int[] rgb, Layout layout, ToyObject o, int margin) {
    int cell = layout.cell();
    int x0 = o.col() * cell;
    int y0 = o.row() * cell;
    double size = cell - 2.0 * margin;
    double centre = cell / 2.0;
    for (int y = margin; y < cell - margin; y++) {
      for (int x = margin; x < cell - margin; x++) {
        double px = x + 0.5;
        double py = y + 0.5;
        boolean in;
        switch (o.shape()) {
          case SQUARE -> in = true;
          case CIRCLE -> {
            double r = size / 2.0;
            in = (px - centre) * (px - centre) + (py - centre) * (py - centre) <= r * r;
          }
          case TRIANGLE -> {
            // apex at the top centre, base on the bottom edge of the box
            double t = (py - margin) / size;
            in = Math.abs(px - centre) <= (t * size + 1.0) / 2.0;
          }
          default -> throw new IllegalStateException();
        }
        if (in) {
          rgb[(y0 + y) * layout.size() + x0 + x] = o.colour().rgb;
        }
      }
    }
  }

  /** splitmix64 of (seed, index): a well-mixed java.util.Random seed per pair. */
  private static long mix(long seed, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Encodes packed 0xRRGGBB pixels as an 8-bit RGB PNG (no filtering, zlib level 9); deterministic.
   */
  public static byte[] encodePng(int[] rgb, int width, int height) {
    if (rgb.length != width * height) {
      throw new IllegalArgumentException("pixel count " + rgb.length + " != " + width + "x" + height);
    }
    byte[] raw = new byte[height * (1 + 3 * width)];
    int p = 0;
    for (int y = 0; y < height; y++) {
      raw[p++] = 0; // filter: none
      for (int x = 0; x < width; x++) {
        int v = rgb[y * width + x];
        raw[p++] = (byte) (v >>> 16);
        raw[p++] = (byte) (v >>> 8);
        raw[p++] = (byte) v;
      }
    }
    Deflater deflater = new Deflater(9);
    deflater.setInput(raw);
    deflater.finish();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!deflater.finished()) {
      z.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // colour type: RGB
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", z.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] len = new byte[4];
    putInt(len, 0, data.length);
    out.writeBytes(len);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    byte[] c = new byte[4];
    putInt(c, 0, (int) crc.getValue());
    out.writeBytes(c);
  }

  private static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  /** A JSON string literal with the escapes JSON requires. */
  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Command line: {@code ToyData --seed S --n N --out DIR [--grid G --cell C]}. Writes the pairs and
   * prints one summary line.
   */
  public static void main(String[] args) {
    Long seed = null;
    Integer n = null;
    Path out = null;
    int grid = GRID;
    int cell = CELL;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--seed" -> seed = Long.parseLong(require(a, v));
        case "--n" -> n = Integer.parseInt(require(a, v));
        case "--out" -> out = Path.of(require(a, v));
        case "--grid" -> grid = Integer.parseInt(require(a, v));
        case "--cell" -> cell = Integer.parseInt(require(a, v));
        case "-h", "--help" -> {
          System.out.println("usage: ToyData --seed S --n N --out DIR [--grid G --cell C]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument: " + a
            + " (usage: ToyData --seed S --n N --out DIR [--grid G --cell C])");
      }
      i++;
    }
    if (seed == null || n == null || out == null) {
      throw new IllegalArgumentException("usage: ToyData --seed S --n N --out DIR [--grid G --cell C]");
    }
    write(seed, n, out, new Layout(grid, cell));
    System.out.println("wrote " + n + " toy pairs (seed " + seed + ") to " + out.toAbsolutePath());
  }

  private static String require(String flag, String value) {
    if (value == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }
}
