package dev.junction.embeddings.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.embeddings.quality.TestWeights;
import dev.junction.spi.Embedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval-router end to end on a tiny synthetic RouteLLM folder, and the real folder's counts and oracle. */
class RouterEvaluationTest {

    static final String W = RouteLlmData.WEAK;
    static final String S = RouteLlmData.STRONG;

    /** Embeds a prompt as [f(prompt), 0]: the test weights read the ease from the first dimension. */
    record FakeEmbedder(ToDoubleFunction<String> first) implements Embedder {
        public String modelId() {
            return "fake";
        }

        public int dimensions() {
            return 2;
        }

        public float[] embed(String text) {
            return new float[] {(float) first.applyAsDouble(text), 0};
        }

        public List<float[]> embedAll(List<String> texts) {
            return texts.stream().map(this::embed).toList();
        }

        public void close() {
        }
    }

    /**
     * "gain" prompts (only the strong model is right) get ease 0, where P(strong) - P(weak) is largest; "easy" (both
     * right) +4 and "hard" (both wrong) -4. So the router ranks every gain prompt first: a perfect router.
     */
    static final FakeEmbedder PERFECT = new FakeEmbedder(t -> t.contains("gain") ? 0 : t.contains("easy") ? 4 : -4);
    static final FakeEmbedder BLIND = new FakeEmbedder(t -> 0);

    @Test
    void perfectAndRandomRoutersGetTheirKnownApgr(@TempDir Path dir) throws IOException {
        writeSynthetic(dir);
        RouteLlmData data = RouteLlmData.load(dir);
        assertEquals(100, data.mmlu().size(), "the contaminated prompt is dropped");
        assertEquals(50, data.gsm8k().size());
        assertEquals(10, data.mtBench().size());
        var weights = TestWeights.linearOnFirstDimension("fake", 2, 1,
                List.of("default", "fold-0", "fold-1", "fold-2", "fold-3", "fold-4"), W, S);

        RouterEvaluation.Report perfect = RouterEvaluation.run(PERFECT, weights, data, s -> { });
        for (RouterEvaluation.Row row : perfect.rows()) {
            assertEquals(row.oracle().apgr(), row.router().apgr(), 1e-12, row.benchmark());
            assertEquals(row.oracle().cpt50(), row.router().cpt50(), 1e-12, row.benchmark());
        }
        // MMLU: 20 gain prompts of 100, 20 weak-only wins? none: gap 0.2, PGR(c) = min(c / 0.2, 1) -> APGR 0.9.
        assertEquals(0.9, perfect.rows().get(0).router().apgr(), 1e-12);
        assertEquals(0.10, perfect.rows().get(0).router().cpt50(), 1e-12);

        RouterEvaluation.Report blind = RouterEvaluation.run(BLIND, weights, data, s -> { });
        for (RouterEvaluation.Row row : blind.rows()) {
            assertEquals(0.5, row.router().apgr(), 1e-12, row.benchmark());
            // Every resample of a router that cannot tell prompts apart is the random router again.
            assertEquals(0.5, row.apgrInterval()[0], 1e-12, row.benchmark());
            assertEquals(0.5, row.apgrInterval()[1], 1e-12, row.benchmark());
        }
        RouterEvaluation.Row mmlu = perfect.rows().get(0);
        assertTrue(mmlu.apgrInterval()[0] < 0.9 && 0.9 < mmlu.apgrInterval()[1], Arrays.toString(mmlu.apgrInterval()));
        String table = perfect.toTable();
        assertTrue(table.contains("mmlu") && table.contains("0.900") && table.contains("0.603"), table);
        assertTrue(table.contains(String.format("mmlu [%.3f, %.3f]", mmlu.apgrInterval()[0],
                mmlu.apgrInterval()[1])), table);
        assertTrue(perfect.toJson().contains("\"benchmark\" : \"mmlu\""), perfect.toJson());
        assertTrue(perfect.toJson().contains("\"routerApgrInterval95\""), perfect.toJson());
    }

    @Test
    void refusesWeightsOfAnotherEmbedderOrFoldRule(@TempDir Path dir) throws IOException {
        writeSynthetic(dir);
        RouteLlmData data = RouteLlmData.load(dir);
        var other = TestWeights.linearOnFirstDimension("other", 2, 1, List.of("default"), W, S);
        assertThrows(IllegalArgumentException.class, () -> RouterEvaluation.run(PERFECT, other, data, s -> { }));
    }

    @Test
    void realDataHasTheDocumentedCountsAndOracle() throws IOException {
        String eval = System.getProperty("junction.eval.dir");
        Path dir = eval == null ? null : Path.of(eval, "routellm");
        Assumptions.assumeTrue(dir != null && Files.isDirectory(dir),
                "../shared/eval/routellm is absent (system property junction.eval.dir): skipping the real-data check");
        RouteLlmData data = RouteLlmData.load(dir);
        assertEquals(14_037, data.mmlu().size());
        assertEquals(1_307, data.gsm8k().size());
        assertEquals(72, data.mtBench().size());
        // ../shared/eval/README.md: a perfect router reaches CPT(50%) 6.25% on MMLU and 11.0% on GSM8K.
        assertEquals(0.0625, oracle(data.mmlu()).cpt50(), 0.0005);
        assertEquals(0.110, oracle(data.gsm8k()).cpt50(), 0.0005);
    }

    private static RouterMetrics.Result oracle(List<RoutedPrompt> prompts) {
        return RouterMetrics.oracle(prompts.stream().mapToDouble(RoutedPrompt::weak).toArray(),
                prompts.stream().mapToDouble(RoutedPrompt::strong).toArray());
    }

    static void writeSynthetic(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("mmlu"));
        Files.createDirectories(dir.resolve("gsm8k"));
        Files.createDirectories(dir.resolve("mt_bench"));
        StringBuilder mmlu = new StringBuilder("prompt," + W + "," + S + "\n");
        for (int i = 0; i < 100; i++) {
            String kind = i < 20 ? "gain" : i < 80 ? "easy" : "hard";
            boolean strong = i < 80;
            boolean weak = i >= 20 && i < 80;
            mmlu.append("\"Question ").append(i).append(" (").append(kind).append("), with a comma\nand a newline\",")
                    .append(cap(weak)).append(',').append(cap(strong)).append('\n');
        }
        mmlu.append("\"Contaminated question\",True,True\n");
        Files.writeString(dir.resolve("mmlu/mmlu_synthetic.csv"), mmlu);
        Files.writeString(dir.resolve("mmlu/contaminated_prompts.jsonl"),
                "{\"train_prompt\":\"x\",\"eval_prompt\":\"Contaminated question\"}\n");
        StringBuilder gsm = new StringBuilder("prompt," + W + "," + S + "," + W + "_response," + S + "_response\n");
        for (int i = 0; i < 50; i++) {
            String kind = i < 15 ? "gain" : i < 40 ? "easy" : "hard";
            gsm.append("\"Problem ").append(i).append(' ').append(kind).append("\",").append(cap(i >= 15 && i < 40))
                    .append(',').append(cap(i < 40)).append(",\"w\",\"s\"\n");
        }
        Files.writeString(dir.resolve("gsm8k/gsm8k_responses.csv"), gsm);
        List<String> questions = new ArrayList<>();
        List<String> judgements = new ArrayList<>();
        for (int q = 1; q <= 10; q++) {
            String kind = q <= 3 ? "gain" : "easy";
            questions.add("{\"question_id\": " + q + ", \"category\": \"writing\", \"turns\": [\"Write " + kind + " " + q
                    + "\", \"again\"]}");
            for (int turn = 1; turn <= 2; turn++) {
                judgements.add("{\"question_id\": " + q + ", \"model\": \"" + S + "\", \"score\": 9, \"turn\": " + turn + "}");
                judgements.add("{\"question_id\": " + q + ", \"model\": \"" + W + "\", \"score\": " + (q <= 3 ? 3 : 9)
                        + ", \"turn\": " + turn + "}");
            }
        }
        Files.write(dir.resolve("mt_bench/question.jsonl"), questions);
        Files.write(dir.resolve("mt_bench/judgements.jsonl"), judgements);
        Files.writeString(dir.resolve("mt_bench/contaminated_prompts.jsonl"), "");
    }

    private static String cap(boolean b) {
        return b ? "True" : "False";
    }
}
