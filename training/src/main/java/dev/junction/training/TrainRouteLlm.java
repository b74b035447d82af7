package dev.junction.training;

import dev.junction.embeddings.OnnxEmbedder;
import dev.junction.embeddings.OnnxEmbedderConfig;
import dev.junction.embeddings.eval.Folds;
import dev.junction.embeddings.eval.RouteLlmData;
import dev.junction.embeddings.eval.RoutedPrompt;
import dev.junction.embeddings.eval.RouterEvaluation;
import dev.junction.embeddings.eval.RouterMetrics;
import dev.junction.embeddings.quality.PromptFeatures;
import dev.junction.embeddings.quality.QualityHead;
import dev.junction.embeddings.quality.QualityWeights;
import dev.junction.spi.TaskCategory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains the shipped quality-predictor weights on RouteLLM's MMLU and GSM8K outcomes (read in place).
 *
 * <p>Writes six heads: {@code default} (all MMLU + GSM8K; the runtime head and MT-Bench's out-of-distribution head)
 * and {@code fold-0..fold-4} (MMLU + GSM8K without that fold, by {@link Folds}), so {@code junction eval-router} can
 * score every prompt with a head that never saw it. MT-Bench is never trained on.
 *
 * <p>Usage: {@code TrainRouteLlm <routellm-dir> <output-weights-file> [hidden] [epochs]}.
 */
public final class TrainRouteLlm {

    private TrainRouteLlm() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TrainRouteLlm <routellm-dir> <output-weights-file> [hidden] [epochs]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Path output = Path.of(args[1]);
        IrtTrainer.Settings d = IrtTrainer.Settings.defaults();
        IrtTrainer.Settings settings = new IrtTrainer.Settings(args.length > 2 ? Integer.parseInt(args[2]) : d.hidden(),
                args.length > 3 ? Integer.parseInt(args[3]) : d.epochs(), d.batchSize(), d.learningRate(), d.l2(), d.seed());
        RouteLlmData data = RouteLlmData.load(dir);
        System.out.printf("MMLU %d, GSM8K %d, MT-Bench %d prompts%n", data.mmlu().size(), data.gsm8k().size(),
                data.mtBench().size());
        List<RoutedPrompt> train = new ArrayList<>(data.mmlu());
        train.addAll(data.gsm8k());

        try (OnnxEmbedder embedder = new OnnxEmbedder(OnnxEmbedderConfig.custom().memoMaxBytes(0).build())) {
            Path cache = Path.of("target", "embedding-cache-" + embedder.modelId() + ".bin");
            List<float[]> embeddings = EmbeddingStore.embed(embedder, train, cache);
            List<float[]> mtEmbeddings = EmbeddingStore.embed(embedder, data.mtBench(),
                    Path.of("target", "embedding-cache-mtbench-" + embedder.modelId() + ".bin"));

            List<String> texts = train.stream().map(RoutedPrompt::prompt).toList();
            float[][] stats = IrtTrainer.featureStats(texts);
            int dims = embedder.dimensions();
            float[] embeddingMean = new float[dims];
            for (float[] e : embeddings) {
                for (int i = 0; i < dims; i++) {
                    embeddingMean[i] += e[i] / embeddings.size();
                }
            }
            List<IrtTrainer.Example> examples = new ArrayList<>(train.size());
            int[] fold = new int[train.size()];
            for (int i = 0; i < train.size(); i++) {
                RoutedPrompt p = train.get(i);
                float[] x = IrtTrainer.input(embeddings.get(i), p.prompt(), stats[0], stats[1]);
                TaskCategory c = PromptFeatures.category(p.prompt(), PromptFeatures.estimateTokens(p.prompt()));
                examples.add(new IrtTrainer.Example(x, c, new float[] {(float) p.weak(), (float) p.strong()}));
                fold[i] = Folds.of(p.prompt());
            }
            List<String> models = List.of(RouteLlmData.WEAK, RouteLlmData.STRONG);
            float[] noCosts = new float[models.size()];

            List<QualityWeights.Head> heads = new ArrayList<>();
            System.out.println("training head default on all MMLU + GSM8K");
            heads.add(IrtTrainer.train("default", "routellm mmlu+gsm8k (all folds); never mt-bench", examples, models,
                    noCosts, settings));
            for (int f = 0; f < Folds.K; f++) {
                List<IrtTrainer.Example> subset = new ArrayList<>();
                for (int i = 0; i < examples.size(); i++) {
                    if (fold[i] != f) {
                        subset.add(examples.get(i));
                    }
                }
                System.out.println("training head " + Folds.headName(f) + " on " + subset.size() + " prompts");
                heads.add(IrtTrainer.train(Folds.headName(f), "routellm mmlu+gsm8k without fold " + f + " of " + Folds.RULE,
                        subset, models, noCosts, settings));
            }
            QualityWeights weights = new QualityWeights(embedder.modelId(), dims, embeddingMean, stats[0], stats[1],
                    Folds.RULE, heads);
            weights.write(output);
            System.out.println("wrote " + output.toAbsolutePath());

            // The same held-out numbers eval-router reports, without re-embedding.
            QualityHead[] foldHeads = new QualityHead[Folds.K];
            for (int f = 0; f < Folds.K; f++) {
                foldHeads[f] = new QualityHead(weights, Folds.headName(f));
            }
            report("mmlu", data.mmlu(), embeddings.subList(0, data.mmlu().size()), p -> Folds.of(p.prompt()), foldHeads);
            report("gsm8k", data.gsm8k(), embeddings.subList(data.mmlu().size(), train.size()), p -> Folds.of(p.prompt()),
                    foldHeads);
            report("mt-bench", data.mtBench(), mtEmbeddings, p -> 0, new QualityHead[] {new QualityHead(weights, "default")});
        }
    }

    private static void report(String name, List<RoutedPrompt> prompts, List<float[]> embeddings,
                               java.util.function.ToIntFunction<RoutedPrompt> head, QualityHead[] heads) {
        double[] score = RouterEvaluation.scores(prompts, embeddings, head, heads);
        double[] weak = prompts.stream().mapToDouble(RoutedPrompt::weak).toArray();
        double[] strong = prompts.stream().mapToDouble(RoutedPrompt::strong).toArray();
        System.out.printf("%-8s held out: %s | oracle: %s%n", name, RouterMetrics.of(weak, strong, score),
                RouterMetrics.oracle(weak, strong));
    }
}
