package dev.junction.embeddings.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routing on the user's own data: for quality targets of 80, 90, 95 and 100 % of the best single model's mean score,
 * the mean cost per prompt of the cheapest routing policy that reaches the target, and its saving against always
 * using the best single model; beside the oracle and random routing.
 *
 * <p>Policies. Router: per prompt, the model maximizing {@code predicted quality - lambda * expected cost}, for a sweep
 * of {@code lambda}, or a per-prompt random mix of two such policies (expected cost = the model's mean cost in the training data, or in the test file when the weights
 * carry none). Oracle: the same with the true score and true cost of each prompt. Random: per prompt, a random choice
 * between two models with a fixed probability (any single model or pair), i.e. the cheapest mix of models that reaches
 * the target in expectation without looking at the prompt. All policies are scored with the test file's true scores
 * and costs.
 */
public final class CostQualityReport {

    /** The quality targets, as shares of the best single model's mean score. */
    public static final double[] TARGETS = {0.80, 0.90, 0.95, 1.00};

    private CostQualityReport() {
    }

    /**
     * One target's line; costs are mean USD per prompt, NaN when the policy cannot reach the target.
     */
    public record Row(double target, double targetQuality, double routerCost, double routerQuality, double oracleCost,
                      double randomCost) {
        /** The router's saving against always calling the best single model, or NaN. */
        public double saving(double bestCost) {
            return 1 - routerCost / bestCost;
        }
    }

    /** The whole report. */
    public record Report(String bestModel, double bestQuality, double bestCost, int prompts, List<Row> rows) {

        public String toTable() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%d prompts; best single model %s: quality %.4f, cost $%.6f per prompt%n", prompts,
                    bestModel, bestQuality, bestCost));
            sb.append(String.format("%-7s %-9s | %-13s %-8s %-8s | %-13s %-8s | %-13s %-8s%n", "target", "quality",
                    "router $/req", "saving", "quality", "oracle $/req", "saving", "random $/req", "saving"));
            for (Row r : rows) {
                sb.append(String.format("%5.0f%%  %-9.4f | %-13s %-8s %-8s | %-13s %-8s | %-13s %-8s%n", 100 * r.target(),
                        r.targetQuality(), cost(r.routerCost()), pct(1 - r.routerCost() / bestCost),
                        Double.isNaN(r.routerQuality()) ? "-" : String.format("%.4f", r.routerQuality()),
                        cost(r.oracleCost()), pct(1 - r.oracleCost() / bestCost),
                        cost(r.randomCost()), pct(1 - r.randomCost() / bestCost)));
            }
            sb.append("'-' = the policy does not reach the target on this data.\n");
            return sb.toString();
        }

        public String toJson() {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("prompts", prompts);
            root.put("bestModel", bestModel);
            root.put("bestQuality", bestQuality);
            root.put("bestCost", bestCost);
            List<Map<String, Object>> list = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("target", r.target());
                m.put("targetQuality", r.targetQuality());
                m.put("routerCost", nullable(r.routerCost()));
                m.put("routerQuality", nullable(r.routerQuality()));
                m.put("routerSaving", nullable(1 - r.routerCost() / bestCost));
                m.put("oracleCost", nullable(r.oracleCost()));
                m.put("randomCost", nullable(r.randomCost()));
                list.add(m);
            }
            root.put("targets", list);
            try {
                return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Object nullable(double v) {
            return Double.isNaN(v) ? null : v;
        }

        private static String cost(double v) {
            return Double.isNaN(v) ? "-" : String.format("%.6f", v);
        }

        private static String pct(double v) {
            return Double.isNaN(v) ? "-" : String.format("%.1f%%", 100 * v);
        }
    }

    /**
     * Builds the report.
     *
     * @param test          the test data (true scores and costs)
     * @param predicted     {@code [prompt][model]} the router's predicted quality, models in {@code test.models()} order
     * @param expectedCost  per model, the cost the router expects
     */
    public static Report of(WideDataset test, double[][] predicted, double[] expectedCost) {
        int n = test.prompts().size();
        int m = test.models().size();
        if (n == 0) {
            throw new IllegalArgumentException("no prompts");
        }
        double[] meanScore = new double[m];
        double[] meanCost = new double[m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < m; k++) {
                meanScore[k] += test.scores()[i][k] / n;
                meanCost[k] += test.costs()[i][k] / n;
            }
        }
        int best = 0;
        for (int k = 1; k < m; k++) {
            if (meanScore[k] > meanScore[best] || meanScore[k] == meanScore[best] && meanCost[k] < meanCost[best]) {
                best = k;
            }
        }
        double[][] routerCurve = sweep(test, predicted, expectedCost, false);
        double[][] oracleCurve = sweep(test, test.scores(), null, true);
        List<Row> rows = new ArrayList<>();
        for (double t : TARGETS) {
            double q = t * meanScore[best];
            double[] router = cheapest(routerCurve, q);
            double[] oracle = cheapest(oracleCurve, q);
            rows.add(new Row(t, q, router[0], router[1], oracle[0], randomCost(meanScore, meanCost, q)));
        }
        return new Report(test.models().get(best), meanScore[best], meanCost[best], n, rows);
    }

    /** {cost, quality} points of the lambda sweep. */
    private static double[][] sweep(WideDataset test, double[][] value, double[] expectedCost, boolean trueCost) {
        int n = test.prompts().size();
        int m = test.models().size();
        double maxCost = 0;
        for (double[] row : test.costs()) {
            for (double c : row) {
                maxCost = Math.max(maxCost, c);
            }
        }
        double scale = maxCost > 0 ? 1 / maxCost : 1;
        List<double[]> points = new ArrayList<>();
        int steps = 400;
        for (int s = 0; s <= steps; s++) {
            // lambda from 0 to ~1e4 per unit of the largest cost, log-spaced.
            double lambda = s == 0 ? 0 : scale * Math.pow(10, -4 + 8.0 * s / steps);
            double cost = 0;
            double quality = 0;
            for (int i = 0; i < n; i++) {
                int pick = 0;
                double bestValue = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < m; k++) {
                    double c = trueCost ? test.costs()[i][k] : expectedCost[k];
                    double v = value[i][k] - lambda * c;
                    if (v > bestValue || v == bestValue && c < (trueCost ? test.costs()[i][pick] : expectedCost[pick])) {
                        bestValue = v;
                        pick = k;
                    }
                }
                cost += test.costs()[i][pick];
                quality += test.scores()[i][pick];
            }
            points.add(new double[] {cost / n, quality / n});
        }
        return points.toArray(new double[0][]);
    }

    /**
     * The cheapest {cost, quality} reaching {@code target}: one policy of the sweep, or a per-prompt random mix of two
     * (which reaches any quality between theirs at the mixed cost).
     */
    private static double[] cheapest(double[][] curve, double target) {
        double[] best = {Double.NaN, Double.NaN};
        for (double[] p : curve) {
            if (p[1] >= target - 1e-12 && (Double.isNaN(best[0]) || p[0] < best[0])) {
                best = p;
            }
        }
        for (double[] lo : curve) {
            if (lo[1] >= target) {
                continue;
            }
            for (double[] hi : curve) {
                if (hi[1] > target) {
                    double share = (target - lo[1]) / (hi[1] - lo[1]);
                    double cost = (1 - share) * lo[0] + share * hi[0];
                    if (Double.isNaN(best[0]) || cost < best[0]) {
                        best = new double[] {cost, target};
                    }
                }
            }
        }
        return best;
    }

    private static double randomCost(double[] score, double[] cost, double target) {
        double best = Double.NaN;
        int m = score.length;
        for (int a = 0; a < m; a++) {
            if (score[a] >= target - 1e-12 && (Double.isNaN(best) || cost[a] < best)) {
                best = cost[a];
            }
            for (int b = 0; b < m; b++) {
                if (score[a] < target && score[b] > target) {
                    double p = (target - score[a]) / (score[b] - score[a]);
                    double c = (1 - p) * cost[a] + p * cost[b];
                    if (Double.isNaN(best) || c < best) {
                        best = c;
                    }
                }
            }
        }
        return best;
    }
}
