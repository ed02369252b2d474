package io.maskimpact.schema;

import static io.maskimpact.schema.OutputSchema.EFFECTS;
import static io.maskimpact.schema.OutputSchema.GENERATION_STEP;
import static io.maskimpact.schema.OutputSchema.GREEDY_RANK;
import static io.maskimpact.schema.OutputSchema.IMPACT;
import static io.maskimpact.schema.OutputSchema.KL_DIVERGENCE;
import static io.maskimpact.schema.OutputSchema.LAYERS;
import static io.maskimpact.schema.OutputSchema.LOGIT_DIFF;
import static io.maskimpact.schema.OutputSchema.MASKED_TOP1_TOKEN;
import static io.maskimpact.schema.OutputSchema.PAIR_ID;
import static io.maskimpact.schema.OutputSchema.PROB_DROP;
import static io.maskimpact.schema.OutputSchema.RUN_ID;
import static io.maskimpact.schema.OutputSchema.TOKEN_POSITION;
import static io.maskimpact.schema.OutputSchema.TOP1_FLIP;
import static io.maskimpact.schema.OutputSchema.UNIT_SIZE;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Views derived from a run's tables, defined once here for {@code query}, {@code sql} and the notebooks
 * ({@code notebooks/mask_impact.py} reads this class through py4j).
 *
 * <p>{@value #IMPACT_EFFECTS}: every {@code impact} row of a token that {@code effects} hid alone, with
 * that unit's output effect: the key (run, pair, step, token position) is shared, so each (layer,
 * variant) row of the token carries the effect of hiding it at the run's effect layers ({@code layers}).
 * Vision blocks ({@code --effect-block K} with K &gt; 1, {@code unit_size} &gt; 1) hide several tokens
 * and are left out; a run without {@code --effects} gives an empty view.
 */
public final class RunViews {

    /** Impact rows joined with the effect of hiding their token alone. */
    public static final String IMPACT_EFFECTS = "impact_effects";

    /** The effects columns the view adds to impact's, in order. */
    public static final List<String> EFFECT_COLUMNS = List.of(LAYERS, KL_DIVERGENCE, PROB_DROP, LOGIT_DIFF,
            GREEDY_RANK, TOP1_FLIP, MASKED_TOP1_TOKEN);

    private RunViews() {
    }

    /** @return the statement that (re)defines {@value #IMPACT_EFFECTS} over the views {@code impact} and {@code effects} */
    public static String createImpactEffects() {
        String keys = List.of(RUN_ID, PAIR_ID, GENERATION_STEP, TOKEN_POSITION).stream()
                .map(k -> "e." + k + " = i." + k).collect(Collectors.joining(" AND "));
        return "CREATE OR REPLACE TEMPORARY VIEW " + IMPACT_EFFECTS + " AS SELECT i.*, "
                + EFFECT_COLUMNS.stream().map(c -> "e." + c).collect(Collectors.joining(", "))
                + " FROM " + IMPACT + " i JOIN " + EFFECTS + " e ON " + keys + " WHERE e." + UNIT_SIZE + " = 1";
    }
}
