package dev.junction.embeddings.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FoldsTest {

    @Test
    void foldsAreStableAndBalanced() {
        // Pinned: a change of rule must change Folds.RULE too (weights record it).
        assertEquals(Folds.of("What is the capital of France?"), Folds.of("What is the capital of France?"));
        int[] counts = new int[Folds.K];
        for (int i = 0; i < 5000; i++) {
            counts[Folds.of("prompt " + i)]++;
        }
        for (int c : counts) {
            assertTrue(c > 900 && c < 1100, java.util.Arrays.toString(counts));
        }
    }

    @Test
    void ruleIsPinned() {
        assertEquals("sha256-utf8-first8-mod-5", Folds.RULE);
        assertEquals(0, Folds.of("Janet's ducks")); // computed with Python's hashlib
    }
}
