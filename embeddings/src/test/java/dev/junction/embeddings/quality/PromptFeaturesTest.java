package dev.junction.embeddings.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PromptFeaturesTest {

    @Test
    void countsTheQuantitiesAndStepsOfAWordProblem() {
        String text = "If Ann buys 3 apples at $1.25 each, then spends half of the rest, how much is left? "
                + "She had 20% more than 1,000 before!";
        float[] f = features(text);
        // words, numbers, sentence ends, percentages, multipliers, rates, comparisons, steps, dollar signs
        int[] counts = {25, 4, 2, 1, 1, 1, 2, 5, 1};
        for (int i = 0; i < counts.length; i++) {
            assertEquals((float) Math.log1p(counts[i]), f[7 + i], 1e-6, "feature " + (7 + i));
        }
    }

    @Test
    void keywordsAreWholeWordsInAnyCase() {
        float[] f = features("HALF halfway behalf half2 Each eachother PER per-unit Percentage percent 5percent");
        assertEquals((float) Math.log1p(1), f[11], 1e-6, "multipliers: HALF only");
        assertEquals((float) Math.log1p(3), f[12], 1e-6, "rates: Each, PER, per(-unit)");
        assertEquals((float) Math.log1p(2), f[10], 1e-6, "percentages: Percentage, percent");
    }

    @Test
    void everyKeywordCountsInItsOwnGroup() {
        float[] f = features("Half, THIRD quarter twice double triple. each every per. more less fewer than. "
                + "if then after before remaining rest left. thirds halves perhaps moreover iff");
        assertEquals((float) Math.log1p(6), f[11], 1e-6, "multipliers");
        assertEquals((float) Math.log1p(3), f[12], 1e-6, "rates");
        assertEquals((float) Math.log1p(4), f[13], 1e-6, "comparisons");
        assertEquals((float) Math.log1p(7), f[14], 1e-6, "steps");
    }

    @Test
    void emptyTextHasNoCounts() {
        float[] f = features("");
        float[] expected = new float[PromptFeatures.COUNT];
        assertArrayEquals(expected, f);
    }

    private static float[] features(String text) {
        float[] f = new float[PromptFeatures.COUNT];
        PromptFeatures.extract(text, f);
        return f;
    }
}
