package io.maskimpact.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyDataTest {

  private static final Pattern LINE = Pattern.compile(
      "\\{\"pair_id\":\"([^\"]+)\",\"image\":\"([^\"]+)\",\"question\":\"what colour is the (circle|square|triangle)\\?\","
          + "\"answer\":\"it is (red|green|blue|yellow)\",\"target_cells\":\\[\\[(\\d),(\\d)]],"
          + "\"objects\":\\[(.*)]}");
  private static final Pattern OBJECT = Pattern.compile(
      "\\{\"shape\":\"(\\w+)\",\"colour\":\"(\\w+)\",\"row\":(\\d),\"col\":(\\d)}");

  @Test
  void sameSeedGivesIdenticalBytes(@TempDir Path a, @TempDir Path b) throws IOException {
    ToyData.write(42, 20, a);
    ToyData.write(42, 20, b);
    List<Path> filesA = files(a);
    assertThat(filesA).hasSize(21);
    assertThat(filesA.stream().map(a::relativize).collect(Collectors.toList()))
        .isEqualTo(files(b).stream().map(b::relativize).collect(Collectors.toList()));
    for (Path f : filesA) {
      assertThat(Files.readAllBytes(b.resolve(a.relativize(f)))).as(f.toString())
          .isEqualTo(Files.readAllBytes(f));
    }
  }

  @Test
  void differentSeedsDiffer(@TempDir Path a, @TempDir Path b) throws IOException {
    ToyData.write(1, 10, a);
    ToyData.write(2, 10, b);
    assertThat(Files.readString(a.resolve("manifest.jsonl")))
        .isNotEqualTo(Files.readString(b.resolve("manifest.jsonl")));
  }

  @Test
  void pairDependsOnlyOnSeedAndIndex() {
    ToyData.Sample alone = ToyData.sample(5, 17);
    ToyData.Sample again = ToyData.sample(5, 17);
    assertThat(alone.png()).isEqualTo(again.png());
    assertThat(alone.manifestLine()).isEqualTo(again.manifestLine());
    assertThat(alone.pairId()).isEqualTo("toy-5-17");
  }

  @Test
  void manifestFieldsAndPixelsAgree(@TempDir Path dir) throws IOException {
    int n = 200;
    ToyData.write(123, n, dir);
    List<String> lines = Files.readAllLines(dir.resolve("manifest.jsonl"), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(n);
    Set<String> askedShapes = new HashSet<>();
    Set<String> answers = new HashSet<>();
    Set<Integer> targetCells = new HashSet<>();
    for (int i = 0; i < n; i++) {
      String line = lines.get(i);
      Matcher m = LINE.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      String id = m.group(1);
      assertThat(id).isEqualTo("toy-123-" + i);
      assertThat(m.group(2)).isEqualTo("images/" + id + ".png");
      String shape = m.group(3);
      String colour = m.group(4);
      int row = Integer.parseInt(m.group(5));
      int col = Integer.parseInt(m.group(6));
      askedShapes.add(shape);
      answers.add(colour);
      targetCells.add(row * ToyData.GRID + col);

      BufferedImage img = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(m.group(2)))));
      assertThat(img.getWidth()).isEqualTo(96);
      assertThat(img.getHeight()).isEqualTo(96);

      // the three objects: each shape once, distinct colours, distinct cells
      Matcher om = OBJECT.matcher(m.group(7));
      Set<String> shapes = new HashSet<>();
      Set<String> colours = new HashSet<>();
      Set<Integer> cells = new HashSet<>();
      String targetColour = null;
      while (om.find()) {
        shapes.add(om.group(1));
        colours.add(om.group(2));
        int r = Integer.parseInt(om.group(3));
        int c = Integer.parseInt(om.group(4));
        cells.add(r * ToyData.GRID + c);
        int rgb = ToyData.Colour.valueOf(om.group(2).toUpperCase()).rgb;
        // the object's cell holds its colour and only its colour or background
        assertThat(cellColours(img, r, c)).containsExactlyInAnyOrder(ToyData.BACKGROUND, rgb);
        if (om.group(1).equals(shape)) {
          targetColour = om.group(2);
          assertThat(new int[] {r, c}).containsExactly(row, col);
        }
      }
      assertThat(shapes).containsExactlyInAnyOrder("circle", "square", "triangle");
      assertThat(colours).hasSize(3);
      assertThat(cells).hasSize(3);
      assertThat(targetColour).isEqualTo(colour);
      // the target cell holds the answer's colour pixels
      assertThat(countColour(img, row, col, ToyData.Colour.valueOf(colour.toUpperCase()).rgb))
          .isGreaterThan(60);
      // every other cell is plain background
      for (int r = 0; r < ToyData.GRID; r++) {
        for (int c = 0; c < ToyData.GRID; c++) {
          if (!cells.contains(r * ToyData.GRID + c)) {
            assertThat(cellColours(img, r, c)).containsExactly(ToyData.BACKGROUND);
          }
        }
      }
    }
    assertThat(askedShapes).hasSize(3);
    assertThat(answers).hasSize(4);
    assertThat(targetCells.size()).isGreaterThan(30);
  }

  @Test
  void shapesFillMostOfTheirCellAndStayInside() {
    for (int i = 0; i < 50; i++) {
      ToyData.Sample s = ToyData.sample(9, i);
      for (ToyData.ToyObject o : s.objects()) {
        int count = 0;
        for (int y = 0; y < ToyData.CELL; y++) {
          for (int x = 0; x < ToyData.CELL; x++) {
            int px = s.rgb()[(o.row() * ToyData.CELL + y) * ToyData.SIZE + o.col() * ToyData.CELL + x];
            if (px == o.colour().rgb) {
              count++;
              // the outer ring of each cell is always background
              assertThat(x > 0 && y > 0 && x < ToyData.CELL - 1 && y < ToyData.CELL - 1).isTrue();
            }
          }
        }
        assertThat(count).as(o.toString()).isBetween(60, 14 * 14);
      }
    }
  }

  @Test
  void aLayoutKeepsThePairAndScalesItsCells() {
    ToyData.Layout qwen = new ToyData.Layout(6, 32);
    for (int i = 0; i < 20; i++) {
      ToyData.Sample small = ToyData.sample(9, i);
      ToyData.Sample large = ToyData.sample(9, i, qwen);
      assertThat(large.manifestLine()).as("same shapes, colours, cells and question").isEqualTo(small.manifestLine());
      assertThat(large.rgb()).hasSize(192 * 192);
      for (ToyData.ToyObject o : large.objects()) {
        int inside = 0;
        for (int y = 0; y < 192; y++) {
          for (int x = 0; x < 192; x++) {
            if (large.rgb()[y * 192 + x] == o.colour().rgb) {
              assertThat(y / 32).as("row of " + o).isEqualTo(o.row());
              assertThat(x / 32).as("column of " + o).isEqualTo(o.col());
              inside++;
            }
          }
        }
        assertThat(inside).as(o.toString()).isBetween(4 * 60, 28 * 28);
      }
    }
    assertThatThrownBy(() -> new ToyData.Layout(1, 32)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mainWritesFiles(@TempDir Path dir) throws IOException {
    ToyData.main(new String[] {"--seed", "3", "--n", "4", "--out", dir.toString()});
    assertThat(Files.readAllLines(dir.resolve("manifest.jsonl"))).hasSize(4);
    assertThat(dir.resolve("images/toy-3-3.png")).exists();
    ToyData.main(new String[] {"--seed", "3", "--n", "1", "--out", dir.resolve("qwen").toString(), "--grid", "6",
        "--cell", "32"});
    assertThat(ImageIO.read(dir.resolve("qwen/images/toy-3-0.png").toFile()).getWidth()).isEqualTo(192);
    assertThatThrownBy(() -> ToyData.main(new String[] {"--seed", "3"}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jsonEscaping() {
    assertThat(ToyData.jsonString("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
  }

  private static Set<Integer> cellColours(BufferedImage img, int row, int col) {
    Set<Integer> out = new HashSet<>();
    for (int y = 0; y < ToyData.CELL; y++) {
      for (int x = 0; x < ToyData.CELL; x++) {
        out.add(img.getRGB(col * ToyData.CELL + x, row * ToyData.CELL + y) & 0xFFFFFF);
      }
    }
    return out;
  }

  private static int countColour(BufferedImage img, int row, int col, int rgb) {
    int n = 0;
    for (int y = 0; y < ToyData.CELL; y++) {
      for (int x = 0; x < ToyData.CELL; x++) {
        if ((img.getRGB(col * ToyData.CELL + x, row * ToyData.CELL + y) & 0xFFFFFF) == rgb) {
          n++;
        }
      }
    }
    return n;
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
  }
}
