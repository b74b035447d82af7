package dev.junction.embeddings.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * RouteLLM's router metrics (arXiv 2406.18665, section 3.2) for a router choosing between a weak and a strong model.
 *
 * <p>The router ranks prompts by a score (higher = more worth the strong model) and sends the top share {@code c} to
 * the strong model. With {@code r} the mean quality of the routed answers, PGR(c) = (r(c) - r(weak)) / (r(strong) -
 * r(weak)); APGR is the area under PGR over c in [0, 1] by the trapezoid rule on the 11 cost points 0, 0.1, ..., 1
 * (10 intervals); CPT(x) is the smallest share of strong calls, {@code k/n}, at which PGR reaches x. Prompts with equal
 * scores are ordered at random, and the metrics take the expectation over that order (so a router that gives every
 * prompt the same score is exactly the random router: APGR 0.5). A share between two prompt counts means routing the
 * boundary prompt at random, so PGR is linear between them.
 */
public final class RouterMetrics {

    /** The 11 cost points of APGR. */
    public static final int COST_POINTS = 11;

    private RouterMetrics() {
    }

    /**
     * One router's numbers.
     *
     * @param apgr  the average performance gap recovered
     * @param cpt50 the call-performance threshold for 50% PGR, a share of strong calls in [0, 1]
     * @param cpt80 the same for 80% PGR
     * @param pgr   PGR at the cost points 0, 0.1, ..., 1
     */
    public record Result(double apgr, double cpt50, double cpt80, double[] pgr) {
        @Override
        public String toString() {
            return String.format("APGR %.3f, CPT(50%%) %.1f%%, CPT(80%%) %.1f%%", apgr, 100 * cpt50, 100 * cpt80);
        }
    }

    /**
     * The metrics of a router.
     *
     * @param weak   per prompt, the weak model's quality
     * @param strong per prompt, the strong model's quality
     * @param score  per prompt, the router's preference for the strong model
     */
    public static Result of(double[] weak, double[] strong, double[] score) {
        int n = weak.length;
        double gap = checkedGap(weak, strong, score);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        // gain[k]: expected quality gained over all-weak when the k best-scored prompts go to the strong model.
        double[] gain = new double[n + 1];
        int start = 0;
        while (start < n) {
            int end = start + 1;
            while (end < n && score[order[end]] == score[order[start]]) {
                end++;
            }
            double groupGain = 0;
            for (int k = start; k < end; k++) {
                groupGain += strong[order[k]] - weak[order[k]];
            }
            for (int k = start + 1; k <= end; k++) {
                gain[k] = gain[start] + groupGain * (k - start) / (end - start);
            }
            start = end;
        }
        double[] pgr = new double[COST_POINTS];
        for (int j = 0; j < COST_POINTS; j++) {
            double k = (double) j / (COST_POINTS - 1) * n;
            int lo = (int) Math.floor(k);
            int hi = Math.min(n, lo + 1);
            double g = gain[lo] + (gain[hi] - gain[lo]) * (k - lo);
            pgr[j] = g / gap;
        }
        double apgr = 0;
        for (int j = 0; j + 1 < COST_POINTS; j++) {
            apgr += (pgr[j] + pgr[j + 1]) / 2 / (COST_POINTS - 1);
        }
        return new Result(apgr, cpt(gain, gap, 0.5), cpt(gain, gap, 0.8), pgr);
    }

    /**
     * A percentile bootstrap interval of a router's APGR: how much it moves when the same number of prompts is drawn
     * again, with replacement, from the ones given. It covers the sampling of prompts only, not the training of the
     * router. A draw whose strong model is not better than its weak one on average has no APGR and is drawn again.
     *
     * @param level      the interval's coverage, in (0, 1), e.g. 0.95
     * @param resamples  how many draws
     * @param seed       the draws' random seed (the same seed gives the same interval)
     * @return the lower and upper bounds
     */
    public static double[] apgrInterval(double[] weak, double[] strong, double[] score, double level, int resamples,
                                        long seed) {
        if (!(level > 0 && level < 1) || resamples < 2) {
            throw new IllegalArgumentException("need a level in (0, 1) and at least 2 resamples, got " + level + " and "
                    + resamples);
        }
        checkedGap(weak, strong, score);
        int n = weak.length;
        SplittableRandom random = new SplittableRandom(seed);
        double[] w = new double[n];
        double[] s = new double[n];
        double[] c = new double[n];
        double[] apgr = new double[resamples];
        for (int b = 0; b < resamples; ) {
            double gap = 0;
            for (int i = 0; i < n; i++) {
                int j = random.nextInt(n);
                w[i] = weak[j];
                s[i] = strong[j];
                c[i] = score[j];
                gap += s[i] - w[i];
            }
            if (gap > 0) {
                apgr[b++] = of(w, s, c).apgr();
            }
        }
        Arrays.sort(apgr);
        double tail = (1 - level) / 2;
        int lo = (int) Math.floor(tail * (resamples - 1));
        int hi = (int) Math.ceil((1 - tail) * (resamples - 1));
        return new double[] {apgr[lo], apgr[hi]};
    }

    /**
     * The summed quality gap of the strong over the weak model, after checking that the arrays have one equal,
     * non-zero length and that the gap is positive.
     */
    private static double checkedGap(double[] weak, double[] strong, double[] score) {
        int n = weak.length;
        if (strong.length != n || score.length != n) {
            throw new IllegalArgumentException("weak, strong and score must have the same length: " + n + ", "
                    + strong.length + ", " + score.length);
        }
        if (n == 0) {
            throw new IllegalArgumentException("no prompts");
        }
        double gap = 0;
        for (int i = 0; i < n; i++) {
            gap += strong[i] - weak[i];
        }
        if (!(gap > 0)) {
            throw new IllegalArgumentException("the strong model must be better than the weak one on average, gap " + gap / n);
        }
        return gap;
    }

    /** The oracle: it knows each prompt's outcomes and sends the largest gains first. */
    public static Result oracle(double[] weak, double[] strong) {
        double[] score = new double[weak.length];
        for (int i = 0; i < score.length; i++) {
            score[i] = strong[i] - weak[i];
        }
        return of(weak, strong, score);
    }

    /** The random router, in expectation: PGR(c) = c. */
    public static Result random() {
        double[] pgr = new double[COST_POINTS];
        for (int j = 0; j < COST_POINTS; j++) {
            pgr[j] = (double) j / (COST_POINTS - 1);
        }
        return new Result(0.5, 0.5, 0.8, pgr);
    }

    private static double cpt(double[] gain, double gap, double x) {
        int n = gain.length - 1;
        for (int k = 0; k <= n; k++) {
            if (gain[k] / gap >= x - 1e-12) {
                return (double) k / n;
            }
        }
        return 1;
    }
}
