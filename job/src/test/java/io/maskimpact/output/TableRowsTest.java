package io.maskimpact.output;

import io.maskimpact.input.PixelImage;
import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.FakeAnalyzer;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.analysis.StepEffects;
import io.maskimpact.analysis.StepImpact;
import io.maskimpact.schema.OutputSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.junit.jupiter.api.Test;

/** Expanding a pair's arrays into rows: one row per array entry, the token's facts joined in, rounding. */
class TableRowsTest {
    private static final PairResult.Placement RAN_ON = new PairResult.Placement("3", "gpu:1");

    private static PairResult result(MaskMode mode, int steps) throws Exception {
        FakeAnalyzer fake = new FakeAnalyzer(new FakeAnalyzer.Spec(2, 2, 1, 2, 100, 0, Set.of(), Set.of()),
                AnalysisOptions.defaults(), "fake");
        PairImpact impact = fake.analyze(new PairRequest("p1", PixelImage.blank(2, 2, 3),
                "what colour", steps, mode));
        return PairResult.ok(new PairResult.Input("p1", "a.png", "file:/a.png", "what colour", "both", steps), "fake",
                RAN_ON, impact, 0.5f);
    }

    @Test
    void everyArrayEntryBecomesOneRowWithItsTokensFacts() throws Exception {
        PairResult r = result(MaskMode.BOTH, 2);
        List<InternalRow> rows = new ArrayList<>();
        for (Iterator<InternalRow> it = TableRows.impact("run", r, -1); it.hasNext(); ) {
            rows.add(it.next().copy());
        }
        // step 0: 2 vision + 2 text tokens; step 1: one more (the generated token); 2 layers; Full, Attn, 2 heads
        assertThat(rows).hasSize((4 + 5) * 2 * 4);
        assertThat((long) rows.size()).isEqualTo(r.impactRows());
        InternalRow first = rows.get(0);
        assertThat(first.numFields()).isEqualTo(OutputSchema.IMPACT_SCHEMA.size());
        assertThat(first.getUTF8String(0).toString()).isEqualTo("run");
        assertThat(first.getUTF8String(1).toString()).isEqualTo("p1");
        long vision = rows.stream().filter(x -> x.getUTF8String(6).toString().equals("vision")).count();
        long withCell = rows.stream().filter(x -> !x.isNullAt(7) && !x.isNullAt(8) && !x.isNullAt(9)).count();
        assertThat(withCell).as("exactly the vision rows have a grid cell").isEqualTo(vision).isEqualTo(2 * 2 * 4 * 2);
        assertThat(rows.stream().filter(x -> x.getUTF8String(6).toString().equals("generated")).map(x -> x.getUTF8String(5).toString()))
                .containsOnly("g0");
    }

    @Test
    void effectsRowsSurviveTheLightCopyAndNameTheirUnit() throws Exception {
        FakeAnalyzer fake = new FakeAnalyzer(new FakeAnalyzer.Spec(2, 2, 1, 2, 100, 0, Set.of(), Set.of()),
                AnalysisOptions.defaults(), "fake");
        PairImpact impact = fake.analyze(new PairRequest("p1", PixelImage.blank(2, 2, 3), "what colour", 1, MaskMode.BOTH));
        StepImpact s = impact.steps().get(0);
        int vision = java.util.stream.IntStream.range(0, impact.tokens().size())
                .filter(i -> impact.tokens().get(i).hasCell()).findFirst().orElseThrow();
        int text = java.util.stream.IntStream.range(0, impact.tokens().size())
                .filter(i -> impact.tokens().get(i).kind() == io.maskimpact.model.TokenKind.TEXT).findFirst().orElseThrow();
        StepEffects e = new StepEffects(new int[] {vision, text}, new int[] {4, 1}, new int[] {0, -1},
                new float[] {0.5f, 0f}, new float[] {0.25f, 0f}, new float[] {1f, 0f}, new int[] {3, 1},
                new int[] {s.predictedTokenId() + 1, s.predictedTokenId()}, new String[] {"blue", s.predictedText()});
        StepImpact with = new StepImpact(s.step(), s.sequenceLength(), s.predictedTokenId(), s.predictedText(),
                s.predictedProb(), s.layer(), s.position(), s.variant(), s.l2(), s.cosine(), e);
        PairImpact withEffects = new PairImpact(impact.pairId(), impact.tokens(), impact.promptLength(), impact.regions(),
                impact.answer(), impact.variantNames(), impact.numLayers(), List.of(with));
        PairResult r = PairResult.ok(new PairResult.Input("p1", "a.png", null, "what colour", "both", 1), "fake", RAN_ON,
                withEffects, 0.5f).light();
        List<InternalRow> rows = TableRows.effects("run", r, "0-1");
        assertThat(rows).hasSize(2).allSatisfy(x -> assertThat(x.numFields()).isEqualTo(OutputSchema.EFFECTS_SCHEMA.size()));
        assertThat(r.effectRows()).isEqualTo(2);
        org.apache.spark.sql.types.StructType schema = OutputSchema.EFFECTS_SCHEMA;
        InternalRow cell = rows.get(0);
        InternalRow word = rows.get(1);
        assertThat(cell.getUTF8String(schema.fieldIndex(OutputSchema.LAYERS)).toString()).isEqualTo("0-1");
        assertThat(cell.getInt(schema.fieldIndex(OutputSchema.TOKEN_POSITION))).isEqualTo(vision);
        assertThat(cell.getInt(schema.fieldIndex(OutputSchema.UNIT_SIZE))).isEqualTo(4);
        assertThat(cell.getInt(schema.fieldIndex(OutputSchema.IMAGE_INDEX))).isEqualTo(0);
        assertThat(cell.isNullAt(schema.fieldIndex(OutputSchema.PATCH_ROW))).isFalse();
        assertThat(cell.getBoolean(schema.fieldIndex(OutputSchema.TOP1_FLIP))).as("another argmax is a flip").isTrue();
        assertThat(cell.getUTF8String(schema.fieldIndex(OutputSchema.MASKED_TOP1_TOKEN)).toString()).isEqualTo("blue");
        assertThat(cell.getFloat(schema.fieldIndex(OutputSchema.PROB_DROP))).isEqualTo(0.25f);
        assertThat(word.getUTF8String(schema.fieldIndex(OutputSchema.TOKEN_KIND)).toString()).isEqualTo("text");
        assertThat(word.isNullAt(schema.fieldIndex(OutputSchema.IMAGE_INDEX))).isTrue();
        assertThat(word.isNullAt(schema.fieldIndex(OutputSchema.PATCH_ROW))).isTrue();
        assertThat(word.getBoolean(schema.fieldIndex(OutputSchema.TOP1_FLIP))).isFalse();
        assertThat(TableRows.effects("run", result(MaskMode.BOTH, 2).light(), "all")).as("no effects measured").isEmpty();
    }

    @Test
    void tilesGiveEveryVisionRowItsImageIndexAndThePairRowItsRegions() throws Exception {
        FakeAnalyzer fake = new FakeAnalyzer(new FakeAnalyzer.Spec(1, 1, 2, 3, 100, 0, Set.of(), Set.of(), 2, 2),
                AnalysisOptions.defaults(), "fake");
        PairImpact impact = fake.analyze(new PairRequest("p1", PixelImage.blank(30, 20, 3), "what", 1, MaskMode.VISION));
        PairResult r = PairResult.ok(new PairResult.Input("p1", "a.png", "file:/a.png", "what", "vision", 1), "fake",
                RAN_ON, impact, 0.5f);
        int index = OutputSchema.IMPACT_SCHEMA.fieldIndex(OutputSchema.IMAGE_INDEX);
        int kind = OutputSchema.IMPACT_SCHEMA.fieldIndex(OutputSchema.TOKEN_KIND);
        Map<Integer, Integer> perRegion = new TreeMap<>();
        for (Iterator<InternalRow> it = TableRows.impact("run", r, -1); it.hasNext(); ) {
            InternalRow row = it.next();
            if (row.getUTF8String(kind).toString().equals("vision") && row.getUTF8String(10).toString().equals("Full")) {
                perRegion.merge(row.getInt(index), 1, Integer::sum);
            }
        }
        assertThat(perRegion).as("4 tiles and the global image, 2x3 tokens each")
                .isEqualTo(Map.of(0, 6, 1, 6, 2, 6, 3, 6, 4, 6));
        InternalRow pair = TableRows.pair("run", r.light());
        ArrayData regions = pair.getArray(OutputSchema.PAIRS_SCHEMA.fieldIndex(OutputSchema.REGIONS));
        assertThat(regions.numElements()).isEqualTo(5);
        InternalRow tile = regions.getStruct(3, OutputSchema.REGION_TYPE.size());
        assertThat(tile.getInt(0)).isEqualTo(3);
        assertThat(tile.getUTF8String(1).toString()).isEqualTo("tile");
        assertThat(List.of(tile.getInt(2), tile.getInt(3))).as("grid rows, cols").containsExactly(2, 3);
        assertThat(List.of(tile.getDouble(4), tile.getDouble(5), tile.getDouble(6), tile.getDouble(7)))
                .as("the bottom-right tile's box x, y, width, height").containsExactly(15.0, 10.0, 15.0, 10.0);
        InternalRow global = regions.getStruct(4, OutputSchema.REGION_TYPE.size());
        assertThat(global.getUTF8String(1).toString()).isEqualTo("global");
        assertThat(List.of(global.getDouble(4), global.getDouble(5), global.getDouble(6), global.getDouble(7)))
                .containsExactly(0.0, 0.0, 30.0, 20.0);
    }

    @Test
    void roundingKeepsTheRequestedDecimals() {
        assertThat(TableRows.round(0.123456f, 3)).isEqualTo(0.123f);
        assertThat(TableRows.round(0.12351f, 3)).isEqualTo(0.124f);
        assertThat(TableRows.round(1.5f, 0)).isEqualTo(2f);
        assertThat(TableRows.round(0.123456f, -1)).isEqualTo(0.123456f);
        assertThat(TableRows.round(Float.NaN, 2)).isNaN();
    }

    @Test
    void smallTablesHaveOneRowPerPairAndStep() throws Exception {
        PairResult r = result(MaskMode.VISION, 3).light();
        assertThat(TableRows.pair("run", r).numFields()).isEqualTo(OutputSchema.PAIRS_SCHEMA.size());
        assertThat(TableRows.steps("run", r)).hasSize(3).allSatisfy(row -> assertThat(row.numFields())
                .isEqualTo(OutputSchema.STEPS_SCHEMA.size()));
        assertThat(TableRows.error("run", r)).isNull();
        int executor = OutputSchema.PAIRS_SCHEMA.fieldIndex(OutputSchema.EXECUTOR_ID);
        int device = OutputSchema.PAIRS_SCHEMA.fieldIndex(OutputSchema.DEVICE);
        assertThat(TableRows.pair("run", r).getUTF8String(executor).toString()).as("the executor the pair ran in")
                .isEqualTo("3");
        assertThat(TableRows.pair("run", r).getUTF8String(device).toString()).as("the device the pair ran on")
                .isEqualTo("gpu:1");
        PairResult failed = PairResult.failed(new PairResult.Input("p2", "b.png", null, "q", "text", 3), "fake",
                RAN_ON, "image", "IIOException", "Cannot read image for pair p2: broken", 0f);
        assertThat(TableRows.pair("run", failed).getUTF8String(device).toString())
                .as("a failed pair also says where it ran").isEqualTo("gpu:1");
        assertThat(TableRows.error("run", failed).getUTF8String(4).toString()).isEqualTo("Cannot read image for pair p2: broken");
        assertThat(TableRows.pair("run", failed).getUTF8String(6).toString()).isEqualTo("error");
        assertThat(TableRows.impact("run", failed, 2).hasNext()).isFalse();
    }

    @Test
    void imageCopiesGetSafeDistinctNames() {
        assertThat(RunFolder.imageName("toy-7-0", "png")).isEqualTo("images/toy-7-0.png");
        assertThat(RunFolder.imageName("a/../b", "jpg")).startsWith("images/a_.._b-").endsWith(".jpg");
        assertThat(RunFolder.imageName("a/b", "png")).isNotEqualTo(RunFolder.imageName("a_b", "png"));
        assertThat(RunFolder.imageName(".hidden", "tiff")).startsWith("images/_hidden").endsWith(".img");
    }
}
