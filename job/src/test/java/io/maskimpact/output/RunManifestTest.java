package io.maskimpact.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskimpact.schema.OutputSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code _manifest.json}'s column listing: what a reader learns of the contract without opening a file. */
class RunManifestTest {

    @TempDir
    Path dir;

    @Test
    void columnsListImageIndexAndTheRegionsStruct() {
        ObjectNode m = RunManifest.build(new RunFolder(dir.toString(), new Configuration()), "r1", OutputFormat.PARQUET,
                new RunManifest.Header("m", 2, 2, List.of("Full")), List.of(), List.of(), Map.of());
        List<String> impact = new ArrayList<>();
        m.path("columns").path(OutputSchema.IMPACT).forEach(c -> impact.add(c.path("name").asText()));
        assertThat(impact).as("impact columns in file order").containsExactly(OutputSchema.IMPACT_SCHEMA.fieldNames());
        assertThat(impact.indexOf(OutputSchema.IMAGE_INDEX)).isEqualTo(impact.indexOf(OutputSchema.PATCH_ROW) - 1);
        JsonNode regions = null;
        for (JsonNode c : m.path("columns").path(OutputSchema.PAIRS)) {
            if (c.path("name").asText().equals(OutputSchema.REGIONS)) {
                regions = c;
            }
        }
        assertThat(regions).as("pairs lists regions").isNotNull();
        assertThat(regions.path("type").asText()).isEqualTo("array<struct<image_index:int,kind:string,grid_rows:int,"
                + "grid_cols:int,x:double,y:double,width:double,height:double>>");
        assertThat(regions.path("nullable").asBoolean()).as("null for failed pairs and older runs").isTrue();
    }
}
