package dev.junction.cache.eval;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheEvaluationTest {
    private final CacheEvaluation.Options options = new CacheEvaluation.Options(0, 2);

    @Test
    void gptCacheBenchmarkCountsCorrectWrongAndMissesThroughARealCache() {
        List<CacheEvaluation.Pair> pairs = List.of(
                new CacheEvaluation.Pair("how do I reset my password", "how do I reset my password please", 1),
                new CacheEvaluation.Pair("what is the refund policy for shoes", "what is the refund policy for shoes today", 1),
                new CacheEvaluation.Pair("best pizza dough recipe", "completely unrelated question about taxes", 1));
        FakeEmbedder embedder = new FakeEmbedder();
        CacheEvaluation.GptCacheResult result = CacheEvaluation.gptCache(embedder, pairs, vectors(embedder, pairs), 0.8);
        List<CacheEvaluation.GptCacheRow> rows = result.rows();
        assertEquals(13, rows.size(), "default policy + 3 thresholds x 4 variants");
        assertEquals(13, result.goal().marginsTried(), "0 to 0.03 in steps of 0.0025, 0.02 among them");
        // Three queries can never beat 904 correct hits; every row has fewer than 25 wrong ones.
        assertFalse(result.goal().met());
        assertNull(result.goal().fewestWrongOverCorrectLimit());
        assertEquals(2, result.goal().mostCorrectUnderWrongLimit().correct());
        for (CacheEvaluation.GptCacheRow r : rows) {
            assertEquals(3, r.correct() + r.wrong() + r.misses());
        }
        CacheEvaluation.GptCacheRow strict = rows.get(0);
        assertEquals("Junction default policy", strict.policy());
        // The unrelated paraphrase misses; "today" is a date word, so the guard refuses the second pair.
        assertEquals(1, strict.correct());
        assertEquals(2, strict.misses());
        assertTrue(rows.stream().anyMatch(r -> !r.guard() && r.correct() == 2));
    }

    @Test
    void goalCheckNeedsOneRowBeatingGptCachesBestCorrectAndBestWrongAtOnce() {
        CacheEvaluation.GptCacheRow manyWrong = row(950, 30);
        CacheEvaluation.GptCacheRow fewCorrect = row(880, 10);
        CacheEvaluation.GoalCheck notMet = CacheEvaluation.goalCheck(List.of(manyWrong, fewCorrect, row(870, 5)), 13);
        assertEquals(904, notMet.correctToBeat());
        assertEquals(25, notMet.wrongToBeat());
        assertFalse(notMet.met());
        assertEquals(fewCorrect, notMet.mostCorrectUnderWrongLimit());
        assertEquals(manyWrong, notMet.fewestWrongOverCorrectLimit());
        // 904 correct hits only ties GPTCache's best; 905 beats it.
        assertFalse(CacheEvaluation.goalCheck(List.of(row(904, 24)), 1).met());
        CacheEvaluation.GoalCheck met = CacheEvaluation.goalCheck(List.of(manyWrong, row(905, 24)), 13);
        assertTrue(met.met());
        assertEquals(row(905, 24), met.fewestWrongOverCorrectLimit());
        assertFalse(CacheEvaluation.goalCheck(List.of(row(905, 25)), 1).met());
    }

    private static CacheEvaluation.GptCacheRow row(int correct, int wrong) {
        return new CacheEvaluation.GptCacheRow("p", 0.6, false, 0.01, correct, wrong, 999 - correct - wrong, 0);
    }

    @Test
    void nearestOriginCountsOwnAndNearDuplicateOrigins() {
        List<CacheEvaluation.Pair> pairs = List.of(
                new CacheEvaluation.Pair("how do I reset my password", "how do I reset my password please", 1),
                // Its nearest origin is the first pair's, which shares most of its words: a near-duplicate miss-rank.
                new CacheEvaluation.Pair("how do I reset my password now", "please how do I reset my password", 1),
                new CacheEvaluation.Pair("best pizza dough recipe", "pizza dough recipe best", 1),
                new CacheEvaluation.Pair("what is the capital of France", "cheap flights to oslo", 1));
        FakeEmbedder embedder = new FakeEmbedder();
        CacheEvaluation.NearestOrigin n = CacheEvaluation.nearestOrigin(pairs, vectors(embedder, pairs));
        assertEquals(4, n.queries());
        assertEquals(2, n.nearestIsOwn());
        assertEquals(1, n.wrongNearDuplicates());
    }

    private static Map<String, float[]> vectors(FakeEmbedder embedder, List<CacheEvaluation.Pair> pairs) {
        List<String> texts = new ArrayList<>();
        for (CacheEvaluation.Pair p : pairs) {
            texts.add(p.a());
            texts.add(p.b());
        }
        return CacheEvaluation.embed(embedder, texts, 1, s -> { });
    }

    @Test
    void negationSharesWithAndWithoutGuard() {
        List<CacheEvaluation.Pair> pairs = List.of(
                new CacheEvaluation.Pair("You're fat.", "You're not fat.", 1),
                new CacheEvaluation.Pair("It is raining in Paris", "It is not raining in Paris", 1),
                new CacheEvaluation.Pair("You're not fat.", "You're thin.", 0));
        List<CacheEvaluation.NegationRow> rows = CacheEvaluation.negation(new FakeEmbedder(), pairs, 0.5, options, s -> { });
        CacheEvaluation.NegationRow first = rows.get(0);
        assertEquals(2, first.contradictionPairs());
        assertEquals(2, first.servedWithoutGuard());
        assertEquals(0, first.servedWithGuard());
    }

    @Test
    void reportPrintsAsTableAndJson() {
        CacheEvaluation.PairMetrics m = new CacheEvaluation.PairMetrics(0.9, true, 90, 10, 10, 890);
        assertEquals(0.9, m.precision(), 1e-9);
        assertEquals(0.1, m.wrongHitRate(), 1e-9);
        assertEquals(10.0 / 900, m.falsePositiveRate(), 1e-9);
        CacheEvaluation.Report report = new CacheEvaluation.Report("fake", 0.9, new CacheEvaluation.NearestOrigin(999, 935, 42),
                List.of(new CacheEvaluation.GptCacheRow("p", 0.9, true, 0.02, 1, 2, 3, 0)),
                new CacheEvaluation.GoalCheck(904, 25, 13, row(881, 24), null),
                new CacheEvaluation.QqpResult(10, 10, 0.9, m, m, m, 0.95, null, null, m),
                List.of(new CacheEvaluation.NegationRow(0.9, 10, 5, 1, 10, 0)));
        assertTrue(report.toTable().contains("GPTCache published, similarity 0.95"));
        assertTrue(report.toTable().contains("is the query's own: 935 of 999; of the 64 others, 42 are near-duplicates"),
                report.toTable());
        assertTrue(report.toTable().contains("goal, more than 904 correct and fewer than 25 wrong in one row: not met by any row"),
                report.toTable());
        assertTrue(report.toTable().lines().anyMatch(l -> l.matches("fewest wrong with correct > 904 +none")),
                report.toTable());
        assertTrue(report.toTable().lines().anyMatch(l -> l.matches("most correct with wrong < 25 +0\\.600 +off +0\\.0100 +881 +24 +94 +0")),
                report.toTable());
        String json = report.toJson();
        assertTrue(json.startsWith("{\"embedder\":\"fake\"") && json.endsWith("]}"), json);
        assertTrue(json.contains("\"reportHalfThresholdNoGuard\":null"));
        assertTrue(json.contains("\"goal\":{\"correctToBeat\":904,\"wrongToBeat\":25,\"marginsTried\":13,\"met\":false,"
                + "\"mostCorrectUnderWrongLimit\":{\"policy\":\"p\",") && json.contains("\"fewestWrongOverCorrectLimit\":null}"), json);
        assertTrue(json.contains("\"nearestOrigin\":{\"queries\":999,\"nearestIsOwn\":935,\"wrongNearDuplicates\":42}"), json);
    }

    @Test
    void readsTheSharedEvaluationFiles() {
        String dir = System.getProperty("junction.eval.dir");
        Path data = dir == null ? null : Path.of(dir, "semantic-cache");
        Assumptions.assumeTrue(data != null && Files.isDirectory(data),
                "skipped: ../shared/eval/semantic-cache is absent (set -Djunction.eval.dir)");
        assertEquals(999, CacheEvaluation.readGptCache(data.resolve("gptcache_mock_paraphrases.json")).size());
        assertEquals(8596, CacheEvaluation.readTsv(data.resolve("cannot_negation_pairs.tsv")).size());
        List<CacheEvaluation.Pair> qqp = CacheEvaluation.readQqp(data.resolve("qqp_pairs.json.gz"));
        assertEquals(80854, qqp.size());
        assertEquals(30141, qqp.stream().filter(p -> p.label() == 1).count());
    }
}
