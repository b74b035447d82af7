package dev.junction.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.embeddings.EmbeddingModel;
import dev.junction.embeddings.OnnxEmbedder;
import dev.junction.embeddings.OnnxEmbedderConfig;
import dev.junction.embeddings.quality.PromptFeatures;
import dev.junction.embeddings.quality.QualityHead;
import dev.junction.embeddings.quality.QualityWeights;
import dev.junction.spi.TaskCategory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Calibrate} end to end, as a user runs it: a RouterBench-style CSV in, a weights file out that the runtime
 * reads, whose head has learned from the CSV which model answers which prompts.
 */
class CalibrateTest {

    private static final String[] THINGS = {"apples", "marbles", "stamps", "coins", "books", "pencils", "shells", "cards"};
    private static final String[] TOPICS = {"the sea", "a city at night", "an old friend", "the first snow", "a train",
            "a garden", "the moon", "a lighthouse"};

    /** Model {@code arith} answers the word problems, model {@code poet} the writing tasks. */
    private static List<String[]> rows(int from, int to) {
        List<String[]> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String problem = "Tom has " + (12 + i) + " " + THINGS[i % THINGS.length] + " and gives away " + (3 + i % 7)
                    + ". Then he buys " + (2 + i % 5) + " times as many as he has left. How many does he have now?";
            String writing = "Write a short poem about " + TOPICS[i % TOPICS.length] + " in the style of a "
                    + (i % 2 == 0 ? "sonnet" : "haiku") + ", and give it a title.";
            rows.add(new String[] {problem, "1", "0"});
            rows.add(new String[] {writing, "0", "1"});
        }
        return rows;
    }

    @Test
    void calibrateWritesWeightsThatLearnedTheUsersOutcomes(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("prompt,arith,arith|total_cost,poet,poet|total_cost\n");
        for (String[] r : rows(0, 120)) {
            csv.append('"').append(r[0].replace("\"", "\"\"")).append("\",").append(r[1]).append(",0.002,")
                    .append(r[2]).append(",0.0005\n");
        }
        Path train = Files.writeString(dir.resolve("train.csv"), csv);
        Path out = dir.resolve("weights.bin");

        Calibrate.main(new String[] {train.toString(), out.toString(), "8", "20"});

        QualityWeights weights = QualityWeights.read(out);
        assertEquals("all-minilm-l6-v2-q", weights.embedderId());
        QualityHead head = new QualityHead(weights, "default");
        QualityWeights.ModelAbility arith = head.head().model("arith");
        QualityWeights.ModelAbility poet = head.head().model("poet");
        assertEquals(0.002f, arith.meanCostUsd(), 1e-6f);
        assertEquals(0.0005f, poet.meanCostUsd(), 1e-6f);

        // Prompts the file never had: each model must be the likelier to answer its own kind.
        try (OnnxEmbedder embedder = new OnnxEmbedder(OnnxEmbedderConfig.custom()
                .model(EmbeddingModel.ALL_MINILM_L6_V2_Q).build())) {
            int right = 0;
            List<String[]> heldOut = rows(200, 220);
            for (String[] r : heldOut) {
                float[] x = head.input(embedder.embed(r[0]), r[0]);
                double z = head.ease(x);
                TaskCategory c = PromptFeatures.category(r[0], PromptFeatures.estimateTokens(r[0]));
                boolean arithLikelier = head.probability(arith, c, z, x) > head.probability(poet, c, z, x);
                if (arithLikelier == r[1].equals("1")) {
                    right++;
                }
            }
            assertTrue(right >= heldOut.size() * 9 / 10, right + " of " + heldOut.size() + " held-out prompts ranked right");
        }
    }
}
