package dev.junction.training;

import dev.junction.embeddings.EmbeddingModel;
import dev.junction.embeddings.OnnxEmbedder;
import dev.junction.embeddings.OnnxEmbedderConfig;
import dev.junction.embeddings.eval.RoutedPrompt;
import dev.junction.embeddings.eval.WideDataset;
import dev.junction.embeddings.quality.PromptFeatures;
import dev.junction.embeddings.quality.QualityWeights;
import dev.junction.spi.TaskCategory;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code calibrate}: trains quality weights from the user's own outcomes, a RouterBench-style wide CSV
 * ({@code prompt}, and per model {@code M} a score in [0, 1] and {@code M|total_cost} in USD).
 *
 * <p>Writes one {@code default} head with every model of the file, each with its mean cost per prompt; evaluate it on
 * a different file with {@code junction eval-router --weights W --test FILE}.
 *
 * <p>Usage: {@code Calibrate <train.csv> <output-weights-file> [hidden] [epochs]}.
 */
public final class Calibrate {

    private Calibrate() {
    }

    /** Bad input (a missing or malformed file, a bad number) ends with one line naming it and exit status 2. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            Args.fail("usage: Calibrate <train.csv> <output-weights-file> [hidden] [epochs]");
        }
        WideDataset train;
        IrtTrainer.Settings settings;
        try {
            train = WideDataset.read(Path.of(args[0]));
            IrtTrainer.Settings d = IrtTrainer.Settings.defaults();
            settings = new IrtTrainer.Settings(args.length > 2 ? Args.positive(args[2], "hidden") : d.hidden(),
                    args.length > 3 ? Args.positive(args[3], "epochs") : 30, d.batchSize(), d.learningRate(), d.l2(),
                    d.seed());
        } catch (NoSuchFileException e) {
            throw Args.fail("calibrate: no such file: " + e.getFile());
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw Args.fail("calibrate: " + e.getMessage());
        }
        System.out.printf("%d prompts, %d models: %s%n", train.prompts().size(), train.models().size(), train.models());
        try (OnnxEmbedder embedder = new OnnxEmbedder(OnnxEmbedderConfig.custom().model(EmbeddingModel.ALL_MINILM_L6_V2_Q)
                .memoMaxBytes(0).build())) {
            List<RoutedPrompt> prompts = new ArrayList<>();
            for (String p : train.prompts()) {
                prompts.add(new RoutedPrompt("user", "user", p, 0, 0));
            }
            List<float[]> embeddings = EmbeddingStore.embed(embedder, prompts,
                    Path.of("target", "embedding-cache-calibrate-" + embedder.modelId() + ".bin"));
            float[][] stats = IrtTrainer.featureStats(train.prompts());
            int dims = embedder.dimensions();
            float[] embeddingMean = new float[dims];
            for (float[] e : embeddings) {
                for (int i = 0; i < dims; i++) {
                    embeddingMean[i] += e[i] / embeddings.size();
                }
            }
            int m = train.models().size();
            float[] meanCost = new float[m];
            List<IrtTrainer.Example> examples = new ArrayList<>();
            for (int i = 0; i < train.prompts().size(); i++) {
                String p = train.prompts().get(i);
                float[] labels = new float[m];
                for (int k = 0; k < m; k++) {
                    labels[k] = (float) train.scores()[i][k];
                    meanCost[k] += (float) (train.costs()[i][k] / train.prompts().size());
                }
                TaskCategory c = PromptFeatures.category(p, PromptFeatures.estimateTokens(p));
                examples.add(new IrtTrainer.Example(IrtTrainer.input(embeddings.get(i), p, stats[0], stats[1]), c, labels));
            }
            QualityWeights.Head head = IrtTrainer.train("default", "calibrate " + Path.of(args[0]).getFileName(), examples,
                    train.models(), meanCost, settings);
            QualityWeights weights = new QualityWeights(embedder.modelId(), dims, embeddingMean, stats[0], stats[1], "none",
                    List.of(head));
            try {
                weights.write(Path.of(args[1]));
            } catch (IOException e) {
                throw Args.fail("calibrate: cannot write " + args[1] + ": " + e);
            }
            System.out.println("wrote " + Path.of(args[1]).toAbsolutePath());
        }
    }
}
