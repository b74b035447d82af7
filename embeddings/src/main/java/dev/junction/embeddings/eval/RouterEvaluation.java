package dev.junction.embeddings.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.junction.embeddings.quality.PromptFeatures;
import dev.junction.embeddings.quality.QualityHead;
import dev.junction.embeddings.quality.QualityWeights;
import dev.junction.spi.Embedder;
import dev.junction.spi.TaskCategory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * {@code junction eval-router}: RouteLLM's metrics of the quality predictor on held-out prompts only.
 *
 * <p>MMLU and GSM8K: each prompt is scored by the head trained without its fold ({@link Folds}; the training module
 * writes heads {@code fold-0..fold-4} trained on MMLU + GSM8K minus that fold). MT-Bench: out of distribution, scored by
 * the {@code default} head, trained on all of MMLU + GSM8K and never on MT-Bench. The router's score for a prompt is
 * {@code P(strong answers well) - P(weak answers well)}. Beside each: the random router (in expectation), the oracle,
 * and RouteLLM's best published router.
 */
public final class RouterEvaluation {

    /**
     * RouteLLM's best published router per benchmark (trained with extra labelled data): APGR and CPT(50%); CPT(80%) is
     * not quoted in ../shared/eval/README.md and is left out (NaN).
     */
    public static final Map<String, Published> ROUTELLM_BEST = Map.of(
            "mmlu", new Published(0.603, 0.354, Double.NaN),
            "gsm8k", new Published(0.622, 0.336, Double.NaN),
            "mt-bench", new Published(0.802, 0.134, Double.NaN));

    private RouterEvaluation() {
    }

    /** A published result. */
    public record Published(double apgr, double cpt50, double cpt80) {
    }

    /**
     * One benchmark's line.
     *
     * @param benchmark the benchmark
     * @param prompts   how many prompts were scored
     * @param heldOut   how the prompts were kept out of the heads that scored them
     * @param router    this router
     * @param oracle    the oracle
     * @param random    the random router (expectation)
     * @param published RouteLLM's best published router
     * @param apgrInterval this router's APGR, 95 % bootstrap interval over the prompts ({@link #BOOTSTRAP})
     */
    public record Row(String benchmark, int prompts, String heldOut, RouterMetrics.Result router,
                      RouterMetrics.Result oracle, RouterMetrics.Result random, Published published,
                      double[] apgrInterval) {
    }

    /** Resamples behind each APGR interval (seed 42): 1,000. */
    public static final int BOOTSTRAP = 1000;

    /** The whole evaluation. */
    public record Report(String embedderId, String foldRule, List<Row> rows) {

        /** A plain-text table. */
        public String toTable() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("Router evaluation on held-out prompts (embedder %s, folds %s)%n", embedderId, foldRule));
            sb.append(String.format("%-9s %6s | %-29s | %-29s | %-29s | %-29s%n", "benchmark", "n",
                    "APGR  ours/random/oracle/best", "CPT(50%) ours/rnd/oracle/best", "CPT(80%) ours/random/oracle",
                    "held out by"));
            for (Row r : rows) {
                sb.append(String.format("%-9s %6d | %.3f / %.3f / %.3f / %.3f | %5.1f%% / %4.1f%% / %4.1f%% / %4.1f%% | %5.1f%% / %4.1f%% / %4.1f%%       | %s%n",
                        r.benchmark(), r.prompts(),
                        r.router().apgr(), r.random().apgr(), r.oracle().apgr(), r.published().apgr(),
                        100 * r.router().cpt50(), 100 * r.random().cpt50(), 100 * r.oracle().cpt50(), 100 * r.published().cpt50(),
                        100 * r.router().cpt80(), 100 * r.random().cpt80(), 100 * r.oracle().cpt80(), r.heldOut()));
            }
            sb.append("APGR: trapezoid over strong-call shares 0, 0.1, ..., 1; CPT(x): smallest share reaching PGR x.\n");
            sb.append("APGR 95% bootstrap interval (" + BOOTSTRAP
                    + " resamples of the prompts; the router's training is not resampled):");
            for (Row r : rows) {
                sb.append(String.format(" %s [%.3f, %.3f]", r.benchmark(), r.apgrInterval()[0], r.apgrInterval()[1]));
            }
            sb.append('\n');
            sb.append("random = expectation of uniform routing; best = RouteLLM's best published router (arXiv 2406.18665).\n");
            return sb.toString();
        }

        /** The report as JSON. */
        public String toJson() {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("embedder", embedderId);
            root.put("foldRule", foldRule);
            List<Map<String, Object>> list = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("benchmark", r.benchmark());
                m.put("prompts", r.prompts());
                m.put("heldOut", r.heldOut());
                m.put("router", metrics(r.router()));
                m.put("routerApgrInterval95", r.apgrInterval());
                m.put("random", metrics(r.random()));
                m.put("oracle", metrics(r.oracle()));
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("apgr", r.published().apgr());
                p.put("cpt50", r.published().cpt50());
                m.put("routellmBest", p);
                list.add(m);
            }
            root.put("results", list);
            try {
                return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Map<String, Object> metrics(RouterMetrics.Result r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("apgr", r.apgr());
            m.put("cpt50", r.cpt50());
            m.put("cpt80", r.cpt80());
            m.put("pgr", r.pgr());
            return m;
        }
    }

    /**
     * Runs the evaluation: embeds every prompt (about a minute for MMLU on one core) and scores it with a head that
     * never saw it.
     *
     * @param progress receives one line per stage
     */
    public static Report run(Embedder embedder, QualityWeights weights, RouteLlmData data, Consumer<String> progress) {
        return run(embedder, weights, data, Runnable::run, progress);
    }

    /**
     * Runs the evaluation, embedding chunks of prompts on {@code executor} (the embedder is thread-safe, so a pool of
     * one thread per core embeds that many times faster).
     */
    public static Report run(Embedder embedder, QualityWeights weights, RouteLlmData data, Executor executor,
                             Consumer<String> progress) {
        if (!weights.embedderId().equals(embedder.modelId())) {
            throw new IllegalArgumentException("the weights were trained on embeddings of " + weights.embedderId()
                    + " but the embedder is " + embedder.modelId());
        }
        if (!weights.foldRule().equals(Folds.RULE)) {
            throw new IllegalArgumentException("the weights' folds (" + weights.foldRule() + ") are not this evaluation's ("
                    + Folds.RULE + "): their fold heads would score prompts they were trained on");
        }
        QualityHead[] folds = new QualityHead[Folds.K];
        for (int f = 0; f < Folds.K; f++) {
            folds[f] = new QualityHead(weights, Folds.headName(f));
        }
        QualityHead all = new QualityHead(weights, "default");
        String trainedOn = all.head().trainedOn();
        if (trainedOn.contains("mt-bench") && !trainedOn.contains("never mt-bench")) {
            throw new IllegalArgumentException("the default head was trained on MT-Bench (" + all.head().trainedOn()
                    + "); MT-Bench must stay out of distribution");
        }
        List<Row> rows = new ArrayList<>();
        String foldNote = "5-fold CV by prompt hash";
        rows.add(row("mmlu", data.mmlu(), embedder, executor, p -> Folds.of(p.prompt()), folds, foldNote, progress));
        rows.add(row("gsm8k", data.gsm8k(), embedder, executor, p -> Folds.of(p.prompt()), folds, foldNote, progress));
        rows.add(row("mt-bench", data.mtBench(), embedder, executor, p -> 0, new QualityHead[] {all},
                "OOD: trained on MMLU+GSM8K only", progress));
        return new Report(embedder.modelId(), weights.foldRule(), rows);
    }

    private static Row row(String benchmark, List<RoutedPrompt> prompts, Embedder embedder, Executor executor,
                           ToIntFunction<RoutedPrompt> headIndex, QualityHead[] heads, String heldOut,
                           Consumer<String> progress) {
        progress.accept("embedding " + prompts.size() + " " + benchmark + " prompts");
        List<float[]> embeddings = embedAll(embedder, prompts, executor);
        double[] score = scores(prompts, embeddings, headIndex, heads);
        double[] weak = new double[prompts.size()];
        double[] strong = new double[prompts.size()];
        for (int i = 0; i < weak.length; i++) {
            weak[i] = prompts.get(i).weak();
            strong[i] = prompts.get(i).strong();
        }
        return new Row(benchmark, prompts.size(), heldOut, RouterMetrics.of(weak, strong, score),
                RouterMetrics.oracle(weak, strong), RouterMetrics.random(), ROUTELLM_BEST.get(benchmark),
                RouterMetrics.apgrInterval(weak, strong, score, 0.95, BOOTSTRAP, 42));
    }

    /** Embeds prompts in order, on the calling thread. */
    public static List<float[]> embedAll(Embedder embedder, List<RoutedPrompt> prompts) {
        return embedAll(embedder, prompts, Runnable::run);
    }

    /** Embeds prompts in chunks of 64 run on {@code executor}; the result is in prompt order. */
    public static List<float[]> embedAll(Embedder embedder, List<RoutedPrompt> prompts, Executor executor) {
        List<CompletableFuture<List<float[]>>> chunks = new ArrayList<>();
        for (int from = 0; from < prompts.size(); from += 64) {
            List<String> texts = new ArrayList<>();
            for (RoutedPrompt p : prompts.subList(from, Math.min(prompts.size(), from + 64))) {
                texts.add(p.prompt());
            }
            chunks.add(CompletableFuture.supplyAsync(() -> embedder.embedAll(texts), executor));
        }
        List<float[]> out = new ArrayList<>(prompts.size());
        for (CompletableFuture<List<float[]>> c : chunks) {
            out.addAll(c.join());
        }
        return out;
    }

    /**
     * The router's scores, {@code P(strong) - P(weak)}, each prompt scored by {@code heads[headIndex(prompt)]}.
     */
    public static double[] scores(List<RoutedPrompt> prompts, List<float[]> embeddings,
                                  ToIntFunction<RoutedPrompt> headIndex, QualityHead[] heads) {
        double[] score = new double[prompts.size()];
        for (int i = 0; i < score.length; i++) {
            RoutedPrompt p = prompts.get(i);
            QualityHead head = heads[headIndex.applyAsInt(p)];
            QualityWeights.ModelAbility weak = require(head, RouteLlmData.WEAK);
            QualityWeights.ModelAbility strong = require(head, RouteLlmData.STRONG);
            float[] x = head.input(embeddings.get(i), p.prompt());
            double z = head.ease(x);
            TaskCategory c = PromptFeatures.category(p.prompt(), PromptFeatures.estimateTokens(p.prompt()));
            score[i] = head.probability(strong, c, z, x) - head.probability(weak, c, z, x);
        }
        return score;
    }

    private static QualityWeights.ModelAbility require(QualityHead head, String model) {
        QualityWeights.ModelAbility m = head.head().model(model);
        if (m == null) {
            throw new IllegalArgumentException("head " + head.head().name() + " was not trained on " + model);
        }
        return m;
    }
}
