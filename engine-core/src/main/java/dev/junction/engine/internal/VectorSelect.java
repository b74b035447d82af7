package dev.junction.engine.internal;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.L2D;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.MIN;

/**
 * The selection loop's common case, several models per instruction with the Vector API: the intent sets no list,
 * region, retention or provider budget, no circuit may be open, and quality comes from the catalog. Each model gets
 * the same estimates, in the same arithmetic (a multiply then an add, never fused), as in {@link Router}'s scalar
 * loop; the feasible ones are packed into the scratch arrays in catalog order, and the models that fail a check
 * other than the capability mask's are listed for the scalar code, which records why. The fallback chain's ranking
 * of the providers' best candidates ({@link #rank}) serves every selection.
 *
 * <p>Loaded only when {@code jdk.incubator.vector} is in the boot layer. Reads up to {@link #LANES} - 1 entries past
 * the catalog's end: the snapshot pads its arrays by {@link CatalogSnapshot#PAD}, and a padding entry is always
 * ruled out by the capability mask's {@code shared} flag.
 */
final class VectorSelect {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = VectorSpecies.of(long.class, D.vectorShape());
    /**
     * Whether vectors hold at least two doubles (not so only when the JVM is told to cap them at 64 bits): the ints
     * then fit half the bits.
     */
    static final boolean SUPPORTED = D.vectorBitSize() >= 128;
    /** Ints in half the bits, so that every species has the same number of lanes. */
    private static final VectorSpecies<Integer> I = SUPPORTED
            ? VectorSpecies.of(int.class, VectorShape.forBitSize(D.vectorBitSize() / 2)) : IntVector.SPECIES_64;
    static final int LANES = D.length();
    /** The most providers {@link #rank} ranks. */
    static final int RANKED = 64;

    private VectorSelect() {
    }

    /**
     * Scans models {@code [0, n)}: the feasible ones into {@code fIndex, fProvider, fCost, fLatency, fQuality} (each
     * long enough for {@code n + LANES}), the ones the scalar code must look at into {@code flagged}. With
     * {@code extremes} (the {@code BALANCED} objective), also the feasible ones' lowest and highest cost and latency,
     * in that order, found by comparison as in {@link Router}'s scalar loop.
     *
     * @return the feasible count in the high 32 bits, the flagged count in the low 32
     */
    static long scan(CatalogSnapshot s, boolean[] shared, int n, int inputTokens, int maxOut, long fixedPrior,
                     int qualityBase, double costCap, long latencyBudget, double minQuality, double tenantLeft,
                     long[] latencyP50, int[] fIndex, int[] fProvider, double[] fCost, double[] fLatency,
                     double[] fQuality, int[] flagged, double[] extremes) {
        boolean capped = maxOut >= 0;
        DoubleVector inputD = DoubleVector.broadcast(D, inputTokens);
        DoubleVector maxOutD = DoubleVector.broadcast(D, maxOut);
        IntVector input = IntVector.broadcast(I, inputTokens);
        IntVector maxOutI = IntVector.broadcast(I, maxOut);
        LongVector fixed = LongVector.broadcast(L, fixedPrior);
        IntVector iota = IntVector.zero(I).addIndex(1);
        DoubleVector minC = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector maxC = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        DoubleVector minL = minC;
        DoubleVector maxL = maxC;
        int nf = 0;
        int ns = 0;
        for (int i = 0; i < n; i += LANES) {
            VectorMask<Double> free = VectorMask.fromArray(D, shared, i).not();
            IntVector context = IntVector.fromArray(I, s.contextWindow, i);
            // input + output <= context window, as context - output >= input: neither side can overflow.
            VectorMask<Integer> fits;
            DoubleVector outputCost;
            if (capped) {
                fits = maxOutI.compare(LE, IntVector.fromArray(I, s.maxOutputTokens, i))
                        .and(context.sub(maxOutI).compare(GE, input));
                outputCost = maxOutD.mul(DoubleVector.fromArray(D, s.outputPerToken, i));
            } else {
                fits = context.sub(IntVector.fromArray(I, s.defaultOutputTokens, i)).compare(GE, input);
                outputCost = DoubleVector.fromArray(D, s.defaultOutputCost, i);
            }
            DoubleVector c = inputD.mul(DoubleVector.fromArray(D, s.inputPerToken, i)).add(outputCost);
            LongVector observed = LongVector.fromArray(L, latencyP50, 0, s.statsSlot, i);
            VectorMask<Long> seen = observed.compare(GE, 0);
            LongVector lat = (capped ? fixed : LongVector.fromArray(L, s.priorLatency, i)).blend(observed, seen);
            DoubleVector q = DoubleVector.fromArray(D, s.qualityByCategory, qualityBase + i);
            VectorMask<Double> soft = c.compare(GT, costCap).or(q.compare(LT, minQuality))
                    .or(c.compare(GT, tenantLeft)).or(seen.and(lat.compare(GT, latencyBudget)).cast(D));
            VectorMask<Double> ok = free.and(fits.cast(D)).andNot(soft);
            VectorMask<Integer> okI = ok.cast(I);
            IntVector index = iota.add(i);
            index.compress(okI).intoArray(fIndex, nf);
            IntVector.fromArray(I, s.providerIndex, i).compress(okI).intoArray(fProvider, nf);
            c.compress(ok).intoArray(fCost, nf);
            DoubleVector latD = (DoubleVector) lat.convert(L2D, 0);
            latD.compress(ok).intoArray(fLatency, nf);
            if (extremes != null) {
                minC = minC.blend(c, c.compare(LT, minC).and(ok));
                maxC = maxC.blend(c, c.compare(GT, maxC).and(ok));
                minL = minL.blend(latD, latD.compare(LT, minL).and(ok));
                maxL = maxL.blend(latD, latD.compare(GT, maxL).and(ok));
            }
            q.compress(ok).intoArray(fQuality, nf);
            nf += ok.trueCount();
            VectorMask<Double> flag = free.andNot(ok);
            if (flag.anyTrue()) {
                index.compress(flag.cast(I)).intoArray(flagged, ns);
                ns += flag.trueCount();
            }
        }
        if (extremes != null) {
            extremes[0] = minC.reduceLanes(MIN);
            extremes[1] = maxC.reduceLanes(MAX);
            extremes[2] = minL.reduceLanes(MIN);
            extremes[3] = maxL.reduceLanes(MAX);
        }
        return (long) nf << 32 | ns;
    }

    /**
     * {@link Router}'s {@code BALANCED} score of the {@code nf} feasible candidates, lane by lane in the same arithmetic
     * (a square root rounds exactly, as does a conversion). Whole vectors: the scores past {@code nf} are never read.
     */
    static void balanced(int nf, double[] cost, double[] latency, double[] quality, double[] s, double rootMinC,
                         double invC, double rootMinL, double invL) {
        DoubleVector one = DoubleVector.broadcast(D, 1);
        for (int k = 0; k < nf; k += LANES) {
            DoubleVector q = DoubleVector.fromArray(D, quality, k).mul(0.5);
            DoubleVector c = root(DoubleVector.fromArray(D, cost, k)).sub(rootMinC).mul(invC);
            DoubleVector l = root(DoubleVector.fromArray(D, latency, k)).sub(rootMinL).mul(invL);
            q.add(one.sub(c).mul(0.3)).add(one.sub(l).mul(0.2)).intoArray(s, k);
        }
    }

    /**
     * The first {@link Router#MAX_CHAIN} of the providers' best candidates ({@code best[p]}: a position in
     * {@code score}, or -1), highest score first and on a tie the lower position, into {@code top}. A candidate's rank
     * is the number of candidates better than it, counted a vector at a time, so no comparison is a branch; the ones
     * ranked past the chain are all written to {@code top[MAX_CHAIN]}. {@code index} and {@code scores} hold
     * {@code providers + LANES}.
     *
     * @return how many went into the chain; -1 when a score is NaN (it has no rank) or when more than
     *         {@link #RANKED} providers have a candidate (the pairs outnumber what inserting one by one costs): the
     *         caller then inserts one by one
     */
    static int rank(int[] best, int providers, double[] score, int[] index, double[] scores, int[] top) {
        int np = 0;
        boolean nan = false;
        for (int p = 0; p < providers; p++) {
            int k = best[p];
            if (k >= 0) {
                double s = score[k];
                nan |= s != s;
                index[np] = k;
                scores[np++] = s;
            }
        }
        if (nan || np > RANKED) {
            return -1;
        }
        // Padding is never better: the lowest score at the highest position.
        for (int j = np, end = np + LANES; j < end; j++) {
            index[j] = Integer.MAX_VALUE;
            scores[j] = Double.NEGATIVE_INFINITY;
        }
        for (int a = 0; a < np; a++) {
            double s = scores[a];
            int k = index[a];
            IntVector position = IntVector.broadcast(I, k);
            int rank = 0;
            for (int b = 0; b < np; b += LANES) {
                DoubleVector other = DoubleVector.fromArray(D, scores, b);
                VectorMask<Double> better = other.compare(GT, s).or(other.compare(EQ, s)
                        .and(IntVector.fromArray(I, index, b).compare(LT, position).cast(D)));
                rank += better.trueCount();
            }
            top[Math.min(rank, Router.MAX_CHAIN)] = k;
        }
        return Math.min(np, Router.MAX_CHAIN);
    }

    /** {@link Router#root} lane by lane: converted to floats, their square roots, converted back. */
    private static DoubleVector root(DoubleVector v) {
        return (DoubleVector) ((FloatVector) v.convert(D2F, 0)).sqrt().convert(F2D, 0);
    }
}
