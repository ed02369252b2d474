package io.maskimpact.analysis;

import io.maskimpact.model.TokenInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One unit that output effects hide: a text or generated token alone, or a vision token alone or
 * with the other cells of its block x block square of the grid.
 *
 * @param positions the unit's positions, ascending; the first is its top-left cell for vision
 */
record EffectUnit(int[] positions) {

    /** @return the unit's first position, which names it in the {@code effects} table */
    int first() {
        return positions[0];
    }

    /**
     * @param tokens the step's sequence
     * @param maskable the positions that may be hidden, ascending
     * @param block side of a vision block in grid cells
     * @return the units, by first position
     */
    static List<EffectUnit> of(List<TokenInfo> tokens, int[] maskable, int block) {
        Map<List<Integer>, List<Integer>> groups = new LinkedHashMap<>();
        for (int p : maskable) {
            TokenInfo t = tokens.get(p);
            List<Integer> key = t.hasCell() && block > 1
                    ? List.of(t.imageIndex(), t.patchRow() / block, t.patchCol() / block)
                    : List.of(Integer.MIN_VALUE, p, 0);          // a unit of its own
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        List<EffectUnit> units = new ArrayList<>(groups.size());
        for (List<Integer> g : groups.values()) {
            units.add(new EffectUnit(g.stream().mapToInt(Integer::intValue).sorted().toArray()));
        }
        units.sort(java.util.Comparator.comparingInt(EffectUnit::first));
        return units;
    }
}
