package io.maskimpact.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.maskimpact.model.PromptException;

import org.junit.jupiter.api.Test;

/** {@link OutputSizes} against transformers' own size functions, on random and extreme input sizes. */
class OutputSizesTest {

    @Test
    void everyRuleGivesTransformersSizes() throws Exception {
        int compared = 0;
        for (JsonElement e : Goldens.json("sizes.json").getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            JsonArray p = c.getAsJsonArray("params");
            OutputSize rule = switch (c.get("rule").getAsString()) {
                case "shortestEdge" -> OutputSizes.shortestEdge(p.get(0).getAsInt());
                case "shortestAndLongestEdge" -> OutputSizes.shortestAndLongestEdge(p.get(0).getAsInt(), p.get(1).getAsInt());
                case "maxHeightWidth" -> OutputSizes.maxHeightWidth(p.get(0).getAsInt(), p.get(1).getAsInt());
                case "smartResize" -> OutputSizes.smartResize(p.get(0).getAsInt(), p.get(1).getAsLong(), p.get(2).getAsLong());
                case "longestEdge" -> OutputSizes.longestEdge(p.get(0).getAsInt());
                case "multiplesOf" -> OutputSizes.multiplesOf(p.get(0).getAsInt());
                default -> throw new IllegalStateException("unknown rule " + c.get("rule"));
            };
            int h = c.getAsJsonArray("in").get(0).getAsInt();
            int w = c.getAsJsonArray("in").get(1).getAsInt();
            String what = c.get("rule").getAsString() + p + " of " + h + "x" + w + " (height x width)";
            if (c.has("error")) {
                assertThatThrownBy(() -> rule.of(h, w)).as("%s is rejected, as transformers rejects it", what)
                        .isInstanceOf(PromptException.class).hasMessageContaining("aspect ratio");
            } else {
                JsonArray out = c.getAsJsonArray("out");
                assertThat(rule.of(h, w)).as(what).isEqualTo(new Size(out.get(0).getAsInt(), out.get(1).getAsInt()));
            }
            compared++;
        }
        assertThat(compared).as("size cases compared").isGreaterThan(1000);
    }
}
