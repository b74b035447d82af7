package dev.junction.embeddings.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouterMetricsTest {

    /** 100 prompts: 20 only the strong model gets right, 60 both, 20 neither. Gap 0.2. */
    static double[][] synthetic() {
        double[] weak = new double[100];
        double[] strong = new double[100];
        for (int i = 0; i < 100; i++) {
            strong[i] = i < 80 ? 1 : 0;
            weak[i] = i >= 20 && i < 80 ? 1 : 0;
        }
        return new double[][] {weak, strong};
    }

    @Test
    void perfectRouterHasTheKnownApgr() {
        double[][] d = synthetic();
        RouterMetrics.Result r = RouterMetrics.oracle(d[0], d[1]);
        // PGR(c) = min(c / 0.2, 1): area = 0.2 / 2 + 0.8 = 0.9 on the 0.1 grid.
        assertEquals(0.9, r.apgr(), 1e-12);
        assertEquals(0.10, r.cpt50(), 1e-12);
        assertEquals(0.16, r.cpt80(), 1e-12);
        assertEquals(0.5, r.pgr()[1], 1e-12);
        assertEquals(1.0, r.pgr()[2], 1e-12);
    }

    @Test
    void constantScoreIsExactlyTheRandomRouter() {
        double[][] d = synthetic();
        RouterMetrics.Result r = RouterMetrics.of(d[0], d[1], new double[100]);
        assertEquals(0.5, r.apgr(), 1e-12);
        assertEquals(0.5, r.cpt50(), 1e-12);
        assertEquals(0.8, r.cpt80(), 1e-12);
        assertEquals(RouterMetrics.random().apgr(), r.apgr(), 1e-12);
    }

    @Test
    void randomScoresAverageToHalf() {
        double[][] d = synthetic();
        Random rnd = new Random(3);
        double sum = 0;
        int runs = 400;
        for (int k = 0; k < runs; k++) {
            double[] s = new double[100];
            for (int i = 0; i < 100; i++) {
                s[i] = rnd.nextDouble();
            }
            sum += RouterMetrics.of(d[0], d[1], s).apgr();
        }
        assertEquals(0.5, sum / runs, 0.01);
    }

    @Test
    void reversedRouterRecoversNothingUntilTheEnd() {
        double[][] d = synthetic();
        double[] worst = new double[100];
        for (int i = 0; i < 100; i++) {
            worst[i] = d[0][i] - d[1][i];
        }
        RouterMetrics.Result r = RouterMetrics.of(d[0], d[1], worst);
        assertEquals(0.9, r.cpt50(), 1e-12);
        assertEquals(0.0, r.pgr()[8], 1e-12);
        assertEquals(0.1, r.apgr(), 1e-12);
    }

    @Test
    void judgeScoresWork() {
        double[] weak = {5, 6, 7, 8};
        double[] strong = {9, 6, 7, 8};
        RouterMetrics.Result r = RouterMetrics.oracle(weak, strong);
        assertEquals(0.25, r.cpt50(), 1e-12);
    }

    @Test
    void aConstantScoreStaysTheRandomRouterInEveryResample() {
        double[][] d = synthetic();
        double[] interval = RouterMetrics.apgrInterval(d[0], d[1], new double[100], 0.95, 200, 7);
        assertEquals(0.5, interval[0], 1e-12);
        assertEquals(0.5, interval[1], 1e-12);
    }

    @Test
    void theOraclesIntervalHoldsItsApgrAndNarrowsWithMorePrompts() {
        double[][] d = synthetic();
        double[] small = RouterMetrics.apgrInterval(d[0], d[1], gains(d), 0.95, 1000, 42);
        assertTrue(small[0] < 0.9 && 0.9 < small[1], Arrays.toString(small));
        // The same prompts ten times over: the interval shrinks about as 1/sqrt(10).
        double[] weak = new double[1000];
        double[] strong = new double[1000];
        for (int i = 0; i < 1000; i++) {
            weak[i] = d[0][i % 100];
            strong[i] = d[1][i % 100];
        }
        double[] big = RouterMetrics.apgrInterval(weak, strong, gains(new double[][] {weak, strong}), 0.95, 1000, 42);
        assertTrue(big[0] < 0.9 && 0.9 < big[1], Arrays.toString(big));
        double ratio = (small[1] - small[0]) / (big[1] - big[0]);
        assertTrue(ratio > 2 && ratio < 5, "width ratio " + ratio);
        assertArrayEquals(small, RouterMetrics.apgrInterval(d[0], d[1], gains(d), 0.95, 1000, 42));
    }

    @Test
    void anIntervalNeedsALevelBetweenZeroAndOne() {
        double[][] d = synthetic();
        assertThrows(IllegalArgumentException.class,
                () -> RouterMetrics.apgrInterval(d[0], d[1], gains(d), 1.0, 100, 1));
    }

    private static double[] gains(double[][] d) {
        double[] g = new double[d[0].length];
        for (int i = 0; i < g.length; i++) {
            g[i] = d[1][i] - d[0][i];
        }
        return g;
    }

    @Test
    void rejectsAWeakModelThatIsNotWeaker() {
        assertThrows(IllegalArgumentException.class,
                () -> RouterMetrics.of(new double[] {1, 1}, new double[] {0, 1}, new double[2]));
    }
}
