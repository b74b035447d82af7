package dev.junction.cache.eval;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheEvaluationTest {
    private final CacheEvaluation.Options options = new CacheEvaluation.Options(0, 2);

    @Test
    void gptCacheBenchmarkCountsCorrectWrongAndMissesThroughARealCache() {
        List<CacheEvaluation.Pair> pairs = List.of(
                new CacheEvaluation.Pair("how do I reset my password", "how do I reset my password please", 1),
                new CacheEvaluation.Pair("what is the refund policy for shoes", "what is the refund policy for shoes today", 1),
                new CacheEvaluation.Pair("best pizza dough recipe", "completely unrelated question about taxes", 1));
        List<CacheEvaluation.GptCacheRow> rows = CacheEvaluation.gptCache(new FakeEmbedder(), pairs, 0.8, options, s -> { });
        assertEquals(10, rows.size(), "default policy + 3 thresholds x 3 variants");
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
        CacheEvaluation.Report report = new CacheEvaluation.Report("fake", 0.9,
                List.of(new CacheEvaluation.GptCacheRow("p", 0.9, true, 0.02, 1, 2, 3, 0)),
                new CacheEvaluation.QqpResult(10, 10, 0.9, m, m, m, 0.95, null, null, m),
                List.of(new CacheEvaluation.NegationRow(0.9, 10, 5, 1, 10, 0)));
        assertTrue(report.toTable().contains("GPTCache published, similarity 0.95"));
        String json = report.toJson();
        assertTrue(json.startsWith("{\"embedder\":\"fake\"") && json.endsWith("]}"), json);
        assertTrue(json.contains("\"reportHalfThresholdNoGuard\":null"));
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
