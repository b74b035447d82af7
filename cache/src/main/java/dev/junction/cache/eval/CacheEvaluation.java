package dev.junction.cache.eval;

import dev.junction.cache.ChronicleCacheConfig;
import dev.junction.cache.ChronicleSemanticCache;
import dev.junction.cache.PromptGuard;
import dev.junction.cache.internal.FlatJson;
import dev.junction.cache.internal.VectorMath;
import dev.junction.spi.CacheEntry;
import dev.junction.spi.CacheHit;
import dev.junction.spi.CacheQuery;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.Embedder;
import dev.junction.spi.FinishReason;
import dev.junction.spi.Usage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * The semantic cache's offline evaluation on public data (see {@code ../shared/eval/README.md}):
 * <ol>
 *   <li>GPTCache's own benchmark ({@code gptcache_mock_paraphrases.json}): every {@code origin} stored with its own
 *   answer in a real {@link ChronicleSemanticCache}, every {@code similar} looked up; correct hits, wrong hits and
 *   misses at Junction's default policy and at GPTCache's thresholds, beside GPTCache's published rows, and whether
 *   any threshold, guard setting and ambiguity margin beats every published row at once (an in-sample bound);</li>
 *   <li>Quora question pairs: precision, recall and wrong-hit rate of the hit decision (similarity at or above the
 *   threshold and the guard passing) on a held-out half, with the threshold calibrated on the other half;</li>
 *   <li>negation pairs (CANNOT, label 1): the share that would be served as hits, with and without the guard.</li>
 * </ol>
 *
 * <p>Honest protocol: the Quora pairs are split in two halves by a stable hash of the pair's text; the threshold is
 * calibrated on half A and every Quora number is reported on half B. GPTCache's pairs and the negation pairs are
 * never used for calibration.
 */
public final class CacheEvaluation {
    /** GPTCache's published rows on its mock paraphrase set: threshold, correct hits, wrong hits, misses. */
    public static final double[][] GPTCACHE_PUBLISHED = {{0.95, 425, 25, 549}, {0.9, 804, 77, 118}, {0.8, 904, 92, 3}};
    /** The wrong-hit rate (wrong hits / hits served) calibration aims for. */
    public static final double TARGET_WRONG_HIT_RATE = 0.01;

    private CacheEvaluation() {
    }

    /**
     * How much to run.
     *
     * @param qqpPairsPerHalf Quora pairs used per half (0 = all: 80,854 pairs, about 150,000 texts to embed)
     * @param threads         embedding threads
     */
    public record Options(int qqpPairsPerHalf, int threads) {
        public static Options defaults() {
            return new Options(0, Math.max(1, Runtime.getRuntime().availableProcessors()));
        }
    }

    /**
     * One GPTCache benchmark row. A hit is correct when the served entry's prompt is the query's own origin text
     * ({@code duplicateOriginHits} of those came from another origin with identical text: Junction keeps one entry per
     * identical prompt in a namespace, GPTCache's file repeats 35 origins).
     */
    public record GptCacheRow(String policy, double cosineThreshold, boolean guard, double ambiguityMargin, int correct,
                              int wrong, int misses, int duplicateOriginHits) {
    }

    /**
     * The GPTCache benchmark's rows (margins 0 and the default) and its goal check.
     *
     * @param rows the table's rows: the default policy, then each of GPTCache's thresholds with the guard off and on, at
     *             margin 0 and at the default margin
     * @param goal whether any row of the margin sweep reaches the goal
     */
    public record GptCacheResult(List<GptCacheRow> rows, GoalCheck goal) {
    }

    /**
     * Whether one row beats every GPTCache row at once: more correct hits than its best ({@link #correctToBeat()}) and
     * fewer wrong hits than its best ({@link #wrongToBeat()}). Searched over every threshold of the table, the guard off
     * and on, and {@code marginsTried} ambiguity margins from 0 to {@link #MARGIN_SWEEP_MAX} — chosen on the benchmark
     * itself, so an upper bound on what the hit rule can do on this set, not a policy to ship.
     *
     * @param mostCorrectUnderWrongLimit  of the rows with fewer wrong hits than {@code wrongToBeat}, the one with the most
     *                                    correct hits (null if none)
     * @param fewestWrongOverCorrectLimit of the rows with more correct hits than {@code correctToBeat}, the one with the
     *                                    fewest wrong hits (null if none)
     */
    public record GoalCheck(int correctToBeat, int wrongToBeat, int marginsTried, GptCacheRow mostCorrectUnderWrongLimit,
                            GptCacheRow fewestWrongOverCorrectLimit) {
        /** Whether some row has both more correct hits and fewer wrong hits than every GPTCache row. */
        public boolean met() {
            return mostCorrectUnderWrongLimit != null && mostCorrectUnderWrongLimit.correct() > correctToBeat;
        }
    }

    /** The ambiguity margins {@link GoalCheck} tries: 0 to this, in steps of {@link #MARGIN_SWEEP_STEP}. */
    public static final double MARGIN_SWEEP_MAX = 0.03;
    /** The step of the margin sweep. */
    public static final double MARGIN_SWEEP_STEP = 0.0025;

    /**
     * Where wrong hits come from, before any policy: for how many paraphrases the nearest stored origin (by cosine)
     * is the query's own, and how many of the others are near-duplicates of the right origin (the two origins' cosine
     * at least {@link #NEAR_DUPLICATE_COSINE}), which no threshold on the query can tell apart.
     */
    public record NearestOrigin(int queries, int nearestIsOwn, int wrongNearDuplicates) {
    }

    /** Two stored origins at least this similar count as near-duplicates in {@link NearestOrigin}: 0.9. */
    public static final double NEAR_DUPLICATE_COSINE = 0.9;

    /** Confusion counts of a pair-level hit decision. */
    public record PairMetrics(double threshold, boolean guard, long truePositives, long falsePositives,
                              long falseNegatives, long trueNegatives) {
        public double precision() {
            long hits = truePositives + falsePositives;
            return hits == 0 ? 1.0 : (double) truePositives / hits;
        }

        public double recall() {
            long positives = truePositives + falseNegatives;
            return positives == 0 ? 0.0 : (double) truePositives / positives;
        }

        /** Wrong hits over hits served. */
        public double wrongHitRate() {
            return 1 - precision();
        }

        /** Wrong hits over all non-duplicate pairs. */
        public double falsePositiveRate() {
            long negatives = falsePositives + trueNegatives;
            return negatives == 0 ? 0.0 : (double) falsePositives / negatives;
        }
    }

    /** The Quora results. */
    public record QqpResult(int calibrationPairs, int reportPairs, double calibratedThreshold,
                            PairMetrics atDefault, PairMetrics atDefaultNoGuard, PairMetrics atCalibrated,
                            Double reportHalfThresholdWithGuard, Double reportHalfThresholdNoGuard,
                            Double reportHalfPrecisionThresholdWithGuard, PairMetrics reportHalfBestPrecision) {
    }

    /** The negation results at one threshold. */
    public record NegationRow(double threshold, int contradictionPairs, int servedWithoutGuard, int servedWithGuard,
                              int paraphrasePairs, int paraphrasesServedWithGuard) {
    }

    /** Everything, printable as a table or JSON. */
    public record Report(String embedderId, double defaultThreshold, NearestOrigin nearestOrigin,
                         List<GptCacheRow> gptcache, GoalCheck goal, QqpResult qqp, List<NegationRow> negation) {

        public String toTable() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "Junction semantic cache evaluation — embedder %s, default policy: "
                    + "cosine >= %.3f + guard%n%n", embedderId, defaultThreshold));
            b.append("1. GPTCache benchmark (gptcache_mock_paraphrases.json: 999 origins stored, 999 paraphrases queried)\n");
            b.append(String.format(Locale.ROOT, "   nearest origin by cosine is the query's own: %d of %d; of the %d others, "
                    + "%d are near-duplicates of the right origin (origins' cosine >= %.2f)%n", nearestOrigin.nearestIsOwn(),
                    nearestOrigin.queries(), nearestOrigin.queries() - nearestOrigin.nearestIsOwn(),
                    nearestOrigin.wrongNearDuplicates(), NEAR_DUPLICATE_COSINE));
            b.append(String.format(Locale.ROOT, "%-44s %8s %6s %7s %8s %6s %7s %9s%n", "policy", "cosine>=", "guard",
                    "margin", "correct", "wrong", "misses", "(dup-org)"));
            for (GptCacheRow r : gptcache) {
                b.append(String.format(Locale.ROOT, "%-44s %8.3f %6s %7.3f %8d %6d %7d %9d%n", r.policy(),
                        r.cosineThreshold(), r.guard() ? "on" : "off", r.ambiguityMargin(), r.correct(), r.wrong(),
                        r.misses(), r.duplicateOriginHits()));
            }
            for (double[] p : GPTCACHE_PUBLISHED) {
                b.append(String.format(Locale.ROOT, "%-44s %8s %6s %7s %8d %6d %7d%n",
                        "GPTCache published, similarity " + p[0], "-", "-", "-", (int) p[1], (int) p[2], (int) p[3]));
            }
            b.append(String.format(Locale.ROOT, "   goal, more than %d correct and fewer than %d wrong in one row: %s%n"
                    + "   searched over the thresholds above, guard off and on, %d margins 0-%.4f; chosen on this set, the%n"
                    + "   two best rows below bound what the hit rule can do here, they are not policies%n",
                    goal.correctToBeat(), goal.wrongToBeat(), goal.met() ? "met" : "not met by any row",
                    goal.marginsTried(), MARGIN_SWEEP_MAX));
            bound(b, "most correct with wrong < " + goal.wrongToBeat(), goal.mostCorrectUnderWrongLimit());
            bound(b, "fewest wrong with correct > " + goal.correctToBeat(), goal.fewestWrongOverCorrectLimit());
            b.append("\n2. Quora question pairs (qqp_pairs.json.gz), threshold calibrated on half A, reported on half B\n");
            b.append(String.format(Locale.ROOT, "   pairs: %d in half A (calibration), %d in half B (report)%n",
                    qqp.calibrationPairs(), qqp.reportPairs()));
            b.append(String.format(Locale.ROOT, "   threshold keeping wrong hits <= 1%% of the pairs that must miss, "
                    + "on half A (guard on): %.3f%n", qqp.calibratedThreshold()));
            b.append(String.format(Locale.ROOT, "%-36s %8s %6s %9s %7s %10s %7s%n", "half B", "cosine>=", "guard",
                    "precision", "recall", "wrong/hits", "FPR"));
            row(b, "default policy", qqp.atDefault());
            row(b, "default threshold, guard off", qqp.atDefaultNoGuard());
            row(b, "threshold calibrated on half A", qqp.atCalibrated());
            b.append(String.format(Locale.ROOT, "   threshold keeping wrong hits (FPR) <= 1%% on half B itself: %s with "
                    + "guard, %s without%n", fmt(qqp.reportHalfThresholdWithGuard()), fmt(qqp.reportHalfThresholdNoGuard())));
            b.append(String.format(Locale.ROOT, "   threshold keeping wrong hits <= 1%% of hits served on half B: %s; best "
                    + "precision over thresholds 0.900-1.000: %.4f at %.3f (recall %.4f)%n",
                    fmt(qqp.reportHalfPrecisionThresholdWithGuard()), qqp.reportHalfBestPrecision().precision(),
                    qqp.reportHalfBestPrecision().threshold(), qqp.reportHalfBestPrecision().recall()));
            b.append("\n3. Negation pairs (cannot_negation_pairs.tsv): share served as a hit\n");
            b.append(String.format(Locale.ROOT, "%8s %14s %14s %14s %26s%n", "cosine>=", "label-1 pairs", "no guard",
                    "with guard", "label-0 served with guard"));
            for (NegationRow n : negation) {
                b.append(String.format(Locale.ROOT, "%8.3f %14d %13.2f%% %13.2f%% %25.2f%%%n", n.threshold(),
                        n.contradictionPairs(), 100.0 * n.servedWithoutGuard() / n.contradictionPairs(),
                        100.0 * n.servedWithGuard() / n.contradictionPairs(),
                        100.0 * n.paraphrasesServedWithGuard() / Math.max(1, n.paraphrasePairs())));
            }
            return b.toString();
        }

        private static void bound(StringBuilder b, String name, GptCacheRow r) {
            if (r == null) {
                b.append(String.format(Locale.ROOT, "%-44s %s%n", name, "none"));
            } else {
                b.append(String.format(Locale.ROOT, "%-44s %8.3f %6s %7.4f %8d %6d %7d %9d%n", name, r.cosineThreshold(),
                        r.guard() ? "on" : "off", r.ambiguityMargin(), r.correct(), r.wrong(), r.misses(),
                        r.duplicateOriginHits()));
            }
        }

        private static String fmt(Double d) {
            return d == null ? "unreachable" : String.format(Locale.ROOT, "%.3f", d);
        }

        private static void row(StringBuilder b, String name, PairMetrics m) {
            b.append(String.format(Locale.ROOT, "%-36s %8.3f %6s %9.4f %7.4f %9.2f%% %6.3f%%%n", name, m.threshold(),
                    m.guard() ? "on" : "off", m.precision(), m.recall(), 100 * m.wrongHitRate(),
                    100 * m.falsePositiveRate()));
        }

        public String toJson() {
            StringBuilder b = new StringBuilder("{");
            b.append("\"embedder\":\"").append(embedderId).append("\",\"defaultThreshold\":").append(num(defaultThreshold));
            b.append(",\"gptcache\":{\"nearestOrigin\":{\"queries\":").append(nearestOrigin.queries())
                    .append(",\"nearestIsOwn\":").append(nearestOrigin.nearestIsOwn())
                    .append(",\"wrongNearDuplicates\":").append(nearestOrigin.wrongNearDuplicates()).append("},\"rows\":[");
            for (int i = 0; i < gptcache.size(); i++) {
                b.append(i == 0 ? "" : ",").append(json(gptcache.get(i)));
            }
            b.append("],\"goal\":{\"correctToBeat\":").append(goal.correctToBeat()).append(",\"wrongToBeat\":")
                    .append(goal.wrongToBeat()).append(",\"marginsTried\":").append(goal.marginsTried())
                    .append(",\"met\":").append(goal.met()).append(",\"mostCorrectUnderWrongLimit\":")
                    .append(json(goal.mostCorrectUnderWrongLimit())).append(",\"fewestWrongOverCorrectLimit\":")
                    .append(json(goal.fewestWrongOverCorrectLimit())).append('}');
            b.append(",\"published\":[");
            for (int i = 0; i < GPTCACHE_PUBLISHED.length; i++) {
                double[] p = GPTCACHE_PUBLISHED[i];
                b.append(i == 0 ? "" : ",").append("{\"similarity\":").append(num(p[0])).append(",\"correct\":")
                        .append((int) p[1]).append(",\"wrong\":").append((int) p[2]).append(",\"misses\":")
                        .append((int) p[3]).append('}');
            }
            b.append("]},\"qqp\":{\"calibrationPairs\":").append(qqp.calibrationPairs()).append(",\"reportPairs\":")
                    .append(qqp.reportPairs()).append(",\"calibratedThreshold\":").append(num(qqp.calibratedThreshold()))
                    .append(",\"atDefault\":").append(json(qqp.atDefault()))
                    .append(",\"atDefaultNoGuard\":").append(json(qqp.atDefaultNoGuard()))
                    .append(",\"atCalibrated\":").append(json(qqp.atCalibrated()))
                    .append(",\"reportHalfThresholdWithGuard\":").append(qqp.reportHalfThresholdWithGuard() == null ? "null"
                            : num(qqp.reportHalfThresholdWithGuard()))
                    .append(",\"reportHalfThresholdNoGuard\":").append(qqp.reportHalfThresholdNoGuard() == null ? "null"
                            : num(qqp.reportHalfThresholdNoGuard()))
                    .append(",\"reportHalfPrecisionThresholdWithGuard\":")
                    .append(qqp.reportHalfPrecisionThresholdWithGuard() == null ? "null"
                            : num(qqp.reportHalfPrecisionThresholdWithGuard()))
                    .append(",\"reportHalfBestPrecision\":").append(json(qqp.reportHalfBestPrecision()))
                    .append("},\"negation\":[");
            for (int i = 0; i < negation.size(); i++) {
                NegationRow n = negation.get(i);
                b.append(i == 0 ? "" : ",").append("{\"threshold\":").append(num(n.threshold()))
                        .append(",\"contradictionPairs\":").append(n.contradictionPairs())
                        .append(",\"servedWithoutGuard\":").append(n.servedWithoutGuard())
                        .append(",\"servedWithGuard\":").append(n.servedWithGuard())
                        .append(",\"paraphrasePairs\":").append(n.paraphrasePairs())
                        .append(",\"paraphrasesServedWithGuard\":").append(n.paraphrasesServedWithGuard()).append('}');
            }
            return b.append("]}").toString();
        }

        private static String json(GptCacheRow r) {
            if (r == null) {
                return "null";
            }
            return "{\"policy\":\"" + r.policy() + "\",\"cosineThreshold\":" + num(r.cosineThreshold()) + ",\"guard\":"
                    + r.guard() + ",\"ambiguityMargin\":" + num(r.ambiguityMargin()) + ",\"duplicateOriginHits\":"
                    + r.duplicateOriginHits() + ",\"correct\":" + r.correct() + ",\"wrong\":" + r.wrong()
                    + ",\"misses\":" + r.misses() + "}";
        }

        private static String json(PairMetrics m) {
            return "{\"threshold\":" + num(m.threshold()) + ",\"guard\":" + m.guard() + ",\"truePositives\":"
                    + m.truePositives() + ",\"falsePositives\":" + m.falsePositives() + ",\"falseNegatives\":"
                    + m.falseNegatives() + ",\"trueNegatives\":" + m.trueNegatives() + ",\"precision\":"
                    + num(m.precision()) + ",\"recall\":" + num(m.recall()) + ",\"wrongHitRate\":"
                    + num(m.wrongHitRate()) + ",\"falsePositiveRate\":" + num(m.falsePositiveRate()) + "}";
        }

        private static String num(double d) {
            return String.format(Locale.ROOT, "%.6f", d);
        }
    }

    /** A pair of texts with a label (1 = same question / must share an answer). */
    public record Pair(String a, String b, int label) {
    }

    /** Runs all three parts on the files in {@code dataDir} (the {@code semantic-cache} folder). */
    public static Report run(Embedder embedder, Path dataDir, Options options, Consumer<String> progress) {
        double defaultThreshold = ChronicleCacheConfig.CALIBRATED_THRESHOLDS.getOrDefault(embedder.modelId(),
                ChronicleCacheConfig.UNCALIBRATED_THRESHOLD);
        List<Pair> gptPairs = readGptCache(dataDir.resolve("gptcache_mock_paraphrases.json"));
        Map<String, float[]> gptVectors = embed(embedder, texts(gptPairs), options.threads(), progress);
        NearestOrigin nearest = nearestOrigin(gptPairs, gptVectors);
        GptCacheResult gptcache = gptCache(embedder, gptPairs, gptVectors, defaultThreshold);
        QqpResult qqp = qqp(embedder, readQqp(dataDir.resolve("qqp_pairs.json.gz")), defaultThreshold, options, progress);
        List<NegationRow> negation = negation(embedder, readTsv(dataDir.resolve("cannot_negation_pairs.tsv")),
                defaultThreshold, options, progress);
        return new Report(embedder.modelId(), defaultThreshold, nearest, gptcache.rows(), gptcache.goal(), qqp, negation);
    }

    /**
     * GPTCache's benchmark through a real cache: each origin stored with its own answer, each paraphrase looked up —
     * with the guard off and on, at every margin of the sweep (a cache per guard and margin), at the default threshold
     * and at each of GPTCache's.
     */
    public static GptCacheResult gptCache(Embedder embedder, List<Pair> pairs, Map<String, float[]> vectors,
                                          double defaultThreshold) {
        List<GptCacheRow> rows = new ArrayList<>();
        List<GptCacheRow> sweep = new ArrayList<>();
        double margin0 = ChronicleCacheConfig.DEFAULT_AMBIGUITY_MARGIN;
        TreeSet<Double> margins = new TreeSet<>(List.of(margin0));
        for (int k = 0; k * MARGIN_SWEEP_STEP <= MARGIN_SWEEP_MAX + 1e-9; k++) {
            // Rounded, so that 8 steps are the default's 0.02 and not 0.020000000000000004.
            margins.add(Math.round(k * MARGIN_SWEEP_STEP * 1e6) / 1e6);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("junction-eval-cache");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Instant now = Instant.parse("2026-01-01T00:00:00Z");
            for (boolean guard : new boolean[] {false, true}) {
                for (double margin : margins) {
                    ChronicleCacheConfig config = ChronicleCacheConfig.custom(dir.resolve("gptcache-" + sweep.size() + ".dat"))
                            .maxEntries(pairs.size() * 2L).averageEntryBytes(2048).dimensions(embedder.dimensions())
                            .embeddingModel(embedder.modelId()).guardEnabled(guard).ambiguityMargin(margin).build();
                    boolean tabled = margin == 0 || margin == margin0;
                    try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config)) {
                        for (int i = 0; i < pairs.size(); i++) {
                            String origin = pairs.get(i).a();
                            // The exact key is the canonical request's hash: identical origins share one entry.
                            cache.put(new CacheEntry("origin-" + i, "eval", "gptcache", "exact-" + stableHash(origin),
                                    origin, vectors.get(origin), new ChatResponse("r" + i, "answer " + i, List.of(),
                                    FinishReason.STOP, Usage.of(10, 20), "eval", "eval-model", null), 1.0, 0.001, now,
                                    now.plus(Duration.ofDays(1)), 0));
                        }
                        GptCacheRow atDefault = runQueries(cache, pairs, vectors, guard && margin == margin0
                                ? "Junction default policy" : "Junction default threshold", defaultThreshold, guard, margin, now);
                        sweep.add(atDefault);
                        if (guard && margin == margin0) {
                            rows.add(atDefault);
                        }
                        for (double[] published : GPTCACHE_PUBLISHED) {
                            // GPTCache scores L2 distance on unit vectors as (4 - d^2) / 4 = (1 + cos) / 2.
                            GptCacheRow row = runQueries(cache, pairs, vectors, "Junction at GPTCache's " + published[0]
                                    + " (cos = 2s - 1)", 2 * published[0] - 1, guard, margin, now);
                            sweep.add(row);
                            if (tabled) {
                                rows.add(row);
                            }
                        }
                    }
                }
            }
        } finally {
            deleteQuietly(dir);
        }
        rows.sort(Comparator.comparing(GptCacheRow::policy).reversed().thenComparing(GptCacheRow::guard)
                .thenComparingDouble(GptCacheRow::ambiguityMargin));
        return new GptCacheResult(rows, goalCheck(sweep, margins.size()));
    }

    /** The best rows of the sweep against GPTCache's best correct and best wrong counts. */
    static GoalCheck goalCheck(List<GptCacheRow> sweep, int marginsTried) {
        int correctToBeat = 0;
        int wrongToBeat = Integer.MAX_VALUE;
        for (double[] p : GPTCACHE_PUBLISHED) {
            correctToBeat = Math.max(correctToBeat, (int) p[1]);
            wrongToBeat = Math.min(wrongToBeat, (int) p[2]);
        }
        GptCacheRow mostCorrect = null;
        GptCacheRow fewestWrong = null;
        for (GptCacheRow r : sweep) {
            if (r.wrong() < wrongToBeat && (mostCorrect == null || r.correct() > mostCorrect.correct()
                    || (r.correct() == mostCorrect.correct() && r.wrong() < mostCorrect.wrong()))) {
                mostCorrect = r;
            }
            if (r.correct() > correctToBeat && (fewestWrong == null || r.wrong() < fewestWrong.wrong()
                    || (r.wrong() == fewestWrong.wrong() && r.correct() > fewestWrong.correct()))) {
                fewestWrong = r;
            }
        }
        return new GoalCheck(correctToBeat, wrongToBeat, marginsTried, mostCorrect, fewestWrong);
    }

    /** Which origin is nearest each paraphrase by plain cosine, over the distinct origins. */
    public static NearestOrigin nearestOrigin(List<Pair> pairs, Map<String, float[]> vectors) {
        List<String> origins = new ArrayList<>(new LinkedHashSet<>(pairs.stream().map(Pair::a).toList()));
        int own = 0;
        int nearDuplicates = 0;
        for (Pair p : pairs) {
            float[] q = vectors.get(p.b());
            String best = null;
            double bestSim = Double.NEGATIVE_INFINITY;
            for (String o : origins) {
                double sim = VectorMath.dot(q, vectors.get(o));
                if (sim > bestSim) {
                    bestSim = sim;
                    best = o;
                }
            }
            if (p.a().equals(best)) {
                own++;
            } else if (VectorMath.dot(vectors.get(best), vectors.get(p.a())) >= NEAR_DUPLICATE_COSINE) {
                nearDuplicates++;
            }
        }
        return new NearestOrigin(pairs.size(), own, nearDuplicates);
    }

    private static List<String> texts(List<Pair> pairs) {
        List<String> texts = new ArrayList<>();
        for (Pair p : pairs) {
            texts.add(p.a());
            texts.add(p.b());
        }
        return texts;
    }

    private static GptCacheRow runQueries(ChronicleSemanticCache cache, List<Pair> pairs, Map<String, float[]> vectors,
                                          String policy, double threshold, boolean guard, double margin, Instant now) {
        int correct = 0;
        int wrong = 0;
        int misses = 0;
        int duplicates = 0;
        for (int i = 0; i < pairs.size(); i++) {
            String similar = pairs.get(i).b();
            Optional<CacheHit> hit = cache.lookupSimilar(new CacheQuery("eval", "gptcache", "query-" + i, similar,
                    vectors.get(similar), threshold, 0.0, now.plusSeconds(1)));
            if (hit.isEmpty()) {
                misses++;
            } else if (hit.get().entry().prompt().equals(pairs.get(i).a())) {
                correct++;
                if (!hit.get().entry().id().equals("origin-" + i)) {
                    duplicates++;
                }
            } else {
                wrong++;
            }
        }
        return new GptCacheRow(policy, threshold, guard, margin, correct, wrong, misses, duplicates);
    }

    /** Quora: calibrate on half A, report on half B. */
    public static QqpResult qqp(Embedder embedder, List<Pair> all, double defaultThreshold, Options options,
                                Consumer<String> progress) {
        List<Pair> halfA = new ArrayList<>();
        List<Pair> halfB = new ArrayList<>();
        for (Pair p : all) {
            (stableHash(p.a() + '\u0000' + p.b()) % 2 == 0 ? halfA : halfB).add(p);
        }
        if (options.qqpPairsPerHalf() > 0) {
            halfA = halfA.subList(0, Math.min(halfA.size(), options.qqpPairsPerHalf()));
            halfB = halfB.subList(0, Math.min(halfB.size(), options.qqpPairsPerHalf()));
        }
        progress.accept("qqp: " + halfA.size() + " calibration pairs, " + halfB.size() + " report pairs");
        Scored a = score(embedder, halfA, options, progress);
        Scored b = score(embedder, halfB, options, progress);
        Double calibrated = a.lowestThreshold(true, true);
        double t = calibrated == null ? 1.0 : calibrated;
        Double precisionThreshold = b.lowestThreshold(true, false);
        PairMetrics best = null;
        for (int k = 900; k <= 1000; k++) {
            PairMetrics m = b.at(k / 1000.0, true);
            if (m.truePositives() + m.falsePositives() >= 20 && (best == null || m.precision() > best.precision())) {
                best = m;
            }
        }
        return new QqpResult(halfA.size(), halfB.size(), t, b.at(defaultThreshold, true), b.at(defaultThreshold, false),
                b.at(t, true), b.lowestThreshold(true, true), b.lowestThreshold(false, true), precisionThreshold,
                best == null ? b.at(1.0, true) : best);
    }

    /** Negation pairs: label-1 rows served as hits, with and without the guard. */
    public static List<NegationRow> negation(Embedder embedder, List<Pair> pairs, double defaultThreshold,
                                             Options options, Consumer<String> progress) {
        Scored s = score(embedder, pairs, options, progress);
        List<NegationRow> rows = new ArrayList<>();
        for (double t : new double[] {defaultThreshold, 0.9, 0.8}) {
            int contradictions = 0;
            int servedNoGuard = 0;
            int servedGuard = 0;
            int paraphrases = 0;
            int paraphrasesServed = 0;
            for (int i = 0; i < s.similarity.length; i++) {
                boolean above = s.similarity[i] >= t;
                if (s.label[i] == 1) {
                    contradictions++;
                    servedNoGuard += above ? 1 : 0;
                    servedGuard += above && s.guardPasses[i] ? 1 : 0;
                } else {
                    paraphrases++;
                    paraphrasesServed += above && s.guardPasses[i] ? 1 : 0;
                }
            }
            rows.add(new NegationRow(t, contradictions, servedNoGuard, servedGuard, paraphrases, paraphrasesServed));
        }
        return rows;
    }

    /** Pair similarities, labels and guard verdicts. */
    private static final class Scored {
        final float[] similarity;
        final int[] label;
        final boolean[] guardPasses;

        Scored(int n) {
            similarity = new float[n];
            label = new int[n];
            guardPasses = new boolean[n];
        }

        PairMetrics at(double threshold, boolean guard) {
            long tp = 0;
            long fp = 0;
            long fn = 0;
            long tn = 0;
            for (int i = 0; i < similarity.length; i++) {
                boolean hit = similarity[i] >= threshold && (!guard || guardPasses[i]);
                if (label[i] == 1) {
                    if (hit) {
                        tp++;
                    } else {
                        fn++;
                    }
                } else if (hit) {
                    fp++;
                } else {
                    tn++;
                }
            }
            return new PairMetrics(threshold, guard, tp, fp, fn, tn);
        }

        /**
         * The lowest threshold (step 0.001) at which wrong hits are at most the target share: of the pairs that must
         * miss ({@code perNegative}, the false-positive rate) or of the hits served (else, 1 - precision; needs at
         * least 20 hits). Null when no threshold reaches it.
         */
        Double lowestThreshold(boolean guard, boolean perNegative) {
            for (int k = 500; k <= 1000; k++) {
                double t = k / 1000.0;
                PairMetrics m = at(t, guard);
                boolean ok = perNegative ? m.falsePositiveRate() <= TARGET_WRONG_HIT_RATE
                        : m.truePositives() + m.falsePositives() >= 20 && m.wrongHitRate() <= TARGET_WRONG_HIT_RATE;
                if (ok) {
                    return t;
                }
            }
            return null;
        }
    }

    private static Scored score(Embedder embedder, List<Pair> pairs, Options options, Consumer<String> progress) {
        Map<String, float[]> vectors = embed(embedder, texts(pairs), options.threads(), progress);
        PromptGuard guard = PromptGuard.standard();
        Scored s = new Scored(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            s.similarity[i] = VectorMath.dot(vectors.get(p.a()), vectors.get(p.b()));
            s.label[i] = p.label();
            s.guardPasses[i] = guard.compatible(p.b(), p.a());
        }
        return s;
    }

    /** Embeds the distinct texts on {@code threads} threads. */
    static Map<String, float[]> embed(Embedder embedder, List<String> texts, int threads, Consumer<String> progress) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(texts));
        progress.accept("embedding " + distinct.size() + " texts on " + threads + " threads");
        long start = System.nanoTime();
        float[][] out = new float[distinct.size()][];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int chunk = 64;
            List<Future<?>> futures = new ArrayList<>();
            for (int from = 0; from < distinct.size(); from += chunk) {
                int f = from;
                int to = Math.min(distinct.size(), from + chunk);
                futures.add(pool.submit(() -> {
                    List<float[]> vs = embedder.embedAll(distinct.subList(f, to));
                    for (int i = 0; i < vs.size(); i++) {
                        out[f + i] = vs.get(i);
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while embedding", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("embedding failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Map<String, float[]> map = new LinkedHashMap<>();
        for (int i = 0; i < out.length; i++) {
            map.put(distinct.get(i), out[i]);
        }
        progress.accept(String.format(Locale.ROOT, "embedded %d texts in %.1f s", distinct.size(),
                (System.nanoTime() - start) / 1e9));
        return map;
    }

    /** GPTCache's file: origin = a, similar = b, label 1. */
    public static List<Pair> readGptCache(Path file) {
        List<Pair> out = new ArrayList<>();
        for (Map<String, Object> o : FlatJson.parseArrayOfObjects(read(file, false))) {
            out.add(new Pair((String) o.get("origin"), (String) o.get("similar"), 1));
        }
        return out;
    }

    /** The Quora pairs. */
    public static List<Pair> readQqp(Path file) {
        List<Pair> out = new ArrayList<>();
        for (Map<String, Object> o : FlatJson.parseArrayOfObjects(read(file, true))) {
            Object label = o.get("label");
            int l = label instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(label));
            out.add(new Pair((String) o.get("text_a"), (String) o.get("text_b"), l));
        }
        return out;
    }

    /** A {@code premise<TAB>hypothesis<TAB>label} file with a header line. */
    public static List<Pair> readTsv(Path file) {
        List<Pair> out = new ArrayList<>();
        String[] lines = read(file, false).split("\r?\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t");
            if (f.length == 3) {
                out.add(new Pair(f[0], f[1], Integer.parseInt(f[2].trim())));
            }
        }
        return out;
    }

    private static String read(Path file, boolean gzip) {
        try (InputStream in = gzip ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** FNV-1a, 64 bits, non-negative: a split that never changes between runs or JVMs. */
    static long stableHash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h & Long.MAX_VALUE;
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }
}
