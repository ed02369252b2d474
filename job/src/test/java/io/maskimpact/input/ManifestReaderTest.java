package io.maskimpact.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskimpact.testing.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests in the three formats through Spark, and the one-line failures of unusable ones. */
class ManifestReaderTest extends SparkTestBase {
    @TempDir
    Path tmp;

    @Test
    void csvWithQuotesNewlinesAndExtraColumns() throws Exception {
        Path csv = Files.writeString(tmp.resolve("m.csv"), "pair_id,image,question,extra,mask_mode\n"
                + "a,a.png,\"what is it, really?\",x,vision\n"
                + "b,b.png,\"two\nlines \"\"quoted\"\"\",y,\n");
        List<ManifestRow> rows = ManifestReader.read(spark, csv.toString());
        assertThat(rows).containsExactly(
                new ManifestRow(1, "a", "a.png", "what is it, really?", null, "vision"),
                new ManifestRow(2, "b", "b.png", "two\nlines \"quoted\"", null, null));
    }

    @Test
    void jsonLinesWithNumbersAndMissingOptionalKeys() throws Exception {
        Path jsonl = Files.writeString(tmp.resolve("m.jsonl"), """
                {"pair_id": 1, "image": "a.png", "question": "q1", "max_new_tokens": 4, "target_cells": [[1, 2]]}

                {"pair_id": "b", "image": "b.png", "question": "q2 \\u00e9"}
                """);
        assertThat(ManifestReader.read(spark, jsonl.toString())).containsExactly(
                new ManifestRow(1, "1", "a.png", "q1", "4", null),
                new ManifestRow(2, "b", "b.png", "q2 \u00e9", null, null));
    }

    @Test
    void parquetFolder() throws Exception {
        StructType schema = new StructType().add("pair_id", DataTypes.StringType).add("image", DataTypes.StringType)
                .add("question", DataTypes.StringType).add("max_new_tokens", DataTypes.IntegerType);
        Path dir = tmp.resolve("manifest");
        spark.createDataFrame(List.of(RowFactory.create("a", "a.png", "q", 2)), schema).coalesce(1).write()
                .parquet(dir.toString());
        assertThat(ManifestReader.read(spark, dir.toString()))
                .containsExactly(new ManifestRow(1, "a", "a.png", "q", "2", null));
    }

    @Test
    void unusableManifestsFailWithOneLine() throws Exception {
        Path missingCol = Files.writeString(tmp.resolve("cols.csv"), "pair_id,img,question\na,b,c\n");
        assertThatThrownBy(() -> ManifestReader.read(spark, missingCol.toString()))
                .isInstanceOf(ManifestException.class)
                .hasMessage("Cannot read manifest " + missingCol + ": missing required column image (found: pair_id, img, "
                        + "question; expected pair_id, image, question and optionally max_new_tokens, mask_mode)");
        Path latin1 = tmp.resolve("latin1.csv");
        Files.write(latin1, "pair_id,image,question\na,a.png,ok\nb,b.png,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ManifestReader.read(spark, latin1.toString()))
                .hasMessage("Cannot read manifest " + latin1 + ": line 3 is not valid UTF-8 (save the file as UTF-8)");
        Path badJson = Files.writeString(tmp.resolve("bad.jsonl"), "{\"pair_id\": \"a\"}\n{\"pair_id\": \n");
        assertThatThrownBy(() -> ManifestReader.read(spark, badJson.toString()))
                .hasMessageStartingWith("Cannot read manifest " + badJson + ": line 2 is not a JSON object");
        Path array = Files.writeString(tmp.resolve("array.json"), "[{\"pair_id\": \"a\"}]\n");
        assertThatThrownBy(() -> ManifestReader.read(spark, array.toString()))
                .hasMessageContaining("line 1 is not a JSON object (found ARRAY; expected one object per line)");
        Path txt = Files.writeString(tmp.resolve("m.txt"), "x");
        assertThatThrownBy(() -> ManifestReader.read(spark, txt.toString())).hasMessageContaining("unknown format");
        assertThatThrownBy(() -> ManifestReader.read(spark, tmp.resolve("none.csv").toString()))
                .hasMessage("Cannot read manifest " + tmp.resolve("none.csv") + ": file not found");
        Path empty = Files.writeString(tmp.resolve("empty.csv"), "pair_id,image,question\n");
        assertThatThrownBy(() -> ManifestReader.read(spark, empty.toString())).hasMessageEndingWith("it has no rows");
    }
}
