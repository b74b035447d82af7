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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains the shipped quality-predictor weights on RouteLLM's MMLU and GSM8K outcomes (read in place).
 *
 * <p>Writes six heads: {@code default} (all MMLU + GSM8K; the runtime head and MT-Bench's out-of-distribution head)
 * and {@code fold-0..fold-4} (MMLU + GSM8K without that fold, by {@link Folds}), so {@code junction eval-router} can
 * score every prompt with a head that never saw it. MT-Bench is never trained on. Each head's learning rate, L2 and
 * number of epochs are chosen on an inner fold of its own training data ({@link #trainSelected}); passing a learning
 * rate (and an L2, else the default) fixes them (the epochs are still chosen).
 *
 * <p>Usage: {@code TrainRouteLlm <routellm-dir> <output-weights-file> [hidden] [epochs] [learning-rate] [l2]}.
 */
public final class TrainRouteLlm {

    private TrainRouteLlm() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw Args.fail("usage: TrainRouteLlm <routellm-dir> <output-weights-file> [hidden] [epochs] [learning-rate] [l2]");
        }
        Path dir = Path.of(args[0]);
        Path output = Path.of(args[1]);
        IrtTrainer.Settings d = IrtTrainer.Settings.defaults();
        IrtTrainer.Settings settings;
        RouteLlmData data;
        try {
            settings = new IrtTrainer.Settings(args.length > 2 ? Args.positive(args[2], "hidden") : d.hidden(),
                    args.length > 3 ? Args.positive(args[3], "epochs") : d.epochs(), d.batchSize(),
                    args.length > 4 ? Args.positiveNumber(args[4], "learning-rate") : d.learningRate(),
                    args.length > 5 ? Args.positiveNumber(args[5], "l2") : d.l2(), d.seed());
            data = RouteLlmData.load(dir);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw Args.fail("TrainRouteLlm: " + e.getMessage());
        }
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

            List<IrtTrainer.Settings> grid = args.length > 4 ? List.of(settings) : List.of(
                    new IrtTrainer.Settings(settings.hidden(), settings.epochs(), d.batchSize(), 1e-3, 1e-4, d.seed()),
                    new IrtTrainer.Settings(settings.hidden(), settings.epochs(), d.batchSize(), 1e-2, 1e-4, d.seed()),
                    new IrtTrainer.Settings(settings.hidden(), settings.epochs(), d.batchSize(), 1e-2, 1e-3, d.seed()));
            boolean[] isGsm = new boolean[train.size()];
            for (int i = data.mmlu().size(); i < train.size(); i++) {
                isGsm[i] = true;
            }
            List<QualityWeights.Head> heads = new ArrayList<>();
            System.out.println("training head default on all MMLU + GSM8K");
            heads.add(trainSelected("default", "routellm mmlu+gsm8k (all folds); never mt-bench", examples, fold, isGsm,
                    -1, models, noCosts, grid));
            for (int f = 0; f < Folds.K; f++) {
                System.out.println("training head " + Folds.headName(f) + " without fold " + f);
                heads.add(trainSelected(Folds.headName(f), "routellm mmlu+gsm8k without fold " + f + " of " + Folds.RULE,
                        examples, fold, isGsm, f, models, noCosts, grid));
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

    /**
     * GSM8K prompts are seen this many times per epoch: they are 1,307 against 14,037 MMLU prompts, and without it the
     * shared network fits MMLU's subjects and little of what makes one arithmetic problem harder than another.
     */
    private static final int GSM8K_COPIES = 4;
    /** Epoch counts tried: multiples of this; fewer choices keep the small inner GSM8K fold from picking noise. */
    private static final int EPOCH_STEP = 3;

    /**
     * Trains a head on the examples outside fold {@code heldOut} (-1: all) with the settings and number of epochs that
     * did best on an inner validation fold of those examples: {@code heldOut + 1 mod K} (fold 0 for the default head).
     * The criterion is the mean of the inner fold's MMLU and GSM8K APGR, so the held-out fold never picks anything.
     */
    private static QualityWeights.Head trainSelected(String name, String trainedOn, List<IrtTrainer.Example> examples,
                                                     int[] fold, boolean[] isGsm, int heldOut, List<String> models,
                                                     float[] costs, List<IrtTrainer.Settings> grid) {
        int inner = heldOut < 0 ? 0 : (heldOut + 1) % Folds.K;
        List<IrtTrainer.Example> all = new ArrayList<>();
        List<IrtTrainer.Example> innerTrain = new ArrayList<>();
        List<IrtTrainer.Example> innerMmlu = new ArrayList<>();
        List<IrtTrainer.Example> innerGsm = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            if (fold[i] == heldOut) {
                continue;
            }
            int copies = isGsm[i] ? GSM8K_COPIES : 1;
            for (int c = 0; c < copies; c++) {
                all.add(examples.get(i));
            }
            if (fold[i] != inner) {
                for (int c = 0; c < copies; c++) {
                    innerTrain.add(examples.get(i));
                }
            } else {
                (isGsm[i] ? innerGsm : innerMmlu).add(examples.get(i));
            }
        }
        IrtTrainer.Settings best = grid.get(0);
        int bestEpochs = best.epochs();
        double bestScore = Double.NEGATIVE_INFINITY;
        for (IrtTrainer.Settings candidate : grid) {
            double[] scoreByEpoch = new double[candidate.epochs() + 1];
            IrtTrainer.train(name + "-inner", "inner", innerTrain, models, costs, candidate, (head, epoch) ->
                    scoreByEpoch[epoch] = (apgr(head, innerMmlu) + apgr(head, innerGsm)) / 2);
            for (int e = EPOCH_STEP; e <= candidate.epochs(); e += EPOCH_STEP) {
                System.out.printf("  %s lr %g l2 %g epoch %d: inner fold %d APGR %.4f%n", name, candidate.learningRate(),
                        candidate.l2(), e, inner, scoreByEpoch[e]);
                if (scoreByEpoch[e] > bestScore) {
                    bestScore = scoreByEpoch[e];
                    best = candidate;
                    bestEpochs = e;
                }
            }
        }
        IrtTrainer.Settings chosen = new IrtTrainer.Settings(best.hidden(), bestEpochs, best.batchSize(),
                best.learningRate(), best.l2(), best.seed());
        String how = String.format(java.util.Locale.ROOT, "; lr %g, l2 %g, %d epochs chosen on inner fold %d",
                chosen.learningRate(), chosen.l2(), chosen.epochs(), inner);
        System.out.println("  " + name + how);
        return IrtTrainer.train(name, trainedOn + how, all, models, costs, chosen);
    }

    /** The APGR of routing {@code examples} (labels: weak, strong) by a head's P(strong) - P(weak). */
    private static double apgr(QualityWeights.Head head, List<IrtTrainer.Example> examples) {
        int n = examples.size();
        double[] weak = new double[n];
        double[] strong = new double[n];
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            IrtTrainer.Example e = examples.get(i);
            double z = head.ease(e.x());
            weak[i] = e.labels()[0];
            strong[i] = e.labels()[1];
            score[i] = head.models().get(1).probability(e.category(), z, e.x())
                    - head.models().get(0).probability(e.category(), z, e.x());
        }
        return RouterMetrics.of(weak, strong, score).apgr();
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
