package io.maskimpact.model.hf.jinja;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.maskimpact.model.hf.ChatTemplate;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Renders against the goldens models/reference/chat/generate.py wrote with transformers: the real templates of
 * eight released VLMs and one probe per Jinja feature. Every probe either matches jinja2 byte for byte, fails
 * where jinja2 fails, or is one of the documented refusals.
 */
class JinjaGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/chat-templates");
    private static final Path TEMPLATES = Path.of("../models/reference/templates");

    /** Probes jinja2 renders that this renderer refuses on purpose (TemplateError.Kind.UNSUPPORTED). */
    private static final Map<String, String> REFUSED = Map.of(
            "refused_strftime_now", "strftime_now");

    @TestFactory
    Stream<DynamicTest> realTemplatesRenderAsTransformersDoes() throws IOException {
        JsonObject real = read(GOLDEN.resolve("real.json"));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement c : real.getAsJsonArray("cases")) {
            JsonObject cs = c.getAsJsonObject();
            String name = cs.get("template").getAsString();
            String question = real.getAsJsonObject("questions").get(cs.get("question").getAsString()).getAsString();
            boolean gen = cs.get("add_generation_prompt").getAsBoolean();
            String file = cs.get("expected").getAsString();
            tests.add(DynamicTest.dynamicTest(file, () -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> tokens = (Map<String, Object>) value(real.getAsJsonObject("special_tokens").get(name));
                ChatTemplate template = new ChatTemplate(
                        Files.readString(TEMPLATES.resolve(name + ".jinja"), StandardCharsets.UTF_8), tokens);
                String expected = Files.readString(GOLDEN.resolve("real").resolve(file), StandardCharsets.UTF_8);
                assertThat(template.renderUserTurn(question, gen))
                        .as("%s must render byte for byte as transformers' apply_chat_template", file)
                        .isEqualTo(expected);
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> probesMatchJinja2OrFailClearly() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement p : read(GOLDEN.resolve("probes.json")).getAsJsonArray("probes")) {
            JsonObject probe = p.getAsJsonObject();
            String name = probe.get("name").getAsString();
            tests.add(DynamicTest.dynamicTest(name, () -> check(name, probe)));
        }
        return tests.stream();
    }

    private static void check(String name, JsonObject probe) {
        String source = probe.get("template").getAsString();
        @SuppressWarnings("unchecked")
        Map<String, Object> variables = (Map<String, Object>) value(probe.get("variables"));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("add_generation_prompt", false);
        context.put("tools", null);
        context.put("documents", null);
        context.put("messages", List.of());
        context.putAll(variables);
        if (REFUSED.containsKey(name)) {
            assertThatThrownBy(() -> JinjaTemplate.parse(source).render(context))
                    .as("%s is a documented refusal", name)
                    .isInstanceOfSatisfying(TemplateError.class, e -> {
                        assertThat(e.kind()).isEqualTo(TemplateError.Kind.UNSUPPORTED);
                        assertThat(e.getMessage()).contains(REFUSED.get(name));
                    });
        } else if (probe.has("error")) {
            assertThatThrownBy(() -> JinjaTemplate.parse(source).render(context))
                    .as("%s fails in jinja2 (%s), so it must fail here", name, probe.get("error").getAsString())
                    .isInstanceOf(TemplateError.class);
            if (probe.get("error").getAsString().equals("TemplateError")) {
                assertThatThrownBy(() -> JinjaTemplate.parse(source).render(context))
                        .as("raise_exception keeps the template's message")
                        .hasMessage(probe.get("message").getAsString());
            }
        } else {
            assertThat(JinjaTemplate.parse(source).render(context))
                    .as("%s must render as jinja2 with transformers' settings", name)
                    .isEqualTo(probe.get("output").getAsString());
        }
    }

    private static JsonObject read(Path path) throws IOException {
        return JsonParser.parseString(Files.readString(path, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    /** JSON to template values; integers stay integers (Gson alone would make them doubles). */
    static Object value(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            e.getAsJsonObject().entrySet().forEach(x -> m.put(x.getKey(), value(x.getValue())));
            return m;
        }
        if (e.isJsonArray()) {
            List<Object> l = new ArrayList<>();
            ((JsonArray) e).forEach(x -> l.add(value(x)));
            return l;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            String text = p.getAsString();
            return text.matches("-?\\d+") ? (Object) Long.parseLong(text) : (Object) p.getAsDouble();
        }
        return p.getAsString();
    }
}
