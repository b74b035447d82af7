package dev.junction.bench.cache;

import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Embedding-like test vectors: unit vectors drawn around a few thousand random topic centroids (sentence embeddings
 * cluster by topic; uniformly random vectors are an unrealistic worst case for a graph index), and queries that are
 * paraphrase-like perturbations of stored vectors or fresh points from the same topics.
 */
final class BenchVectors {
    private BenchVectors() {
    }

    /** {@code n} unit vectors of {@code dims} dimensions around {@code max(16, n / 256)} centroids, generated in parallel. */
    static float[][] clustered(int n, int dims, long seed) {
        return clustered(n, dims, seed, n);
    }

    /**
     * The first {@code count} vectors of an endless sequence around the centroids of {@link #clustered(int, int, long)}
     * for {@code n}: its first {@code n} are that set, the rest more points from the same topics.
     */
    static float[][] clustered(int n, int dims, long seed, int count) {
        int topics = Math.max(16, n / 256);
        float[][] centroids = new float[topics][];
        Random random = new Random(seed);
        for (int i = 0; i < topics; i++) {
            centroids[i] = gaussianUnit(new SplittableRandom(random.nextLong()), dims, null, 0);
        }
        float[][] out = new float[count][];
        IntStream.range(0, count).parallel().forEach(i -> {
            SplittableRandom r = new SplittableRandom(seed * 31 + i);
            out[i] = gaussianUnit(r, dims, centroids[r.nextInt(topics)], 0.6);
        });
        return out;
    }

    /** A query near {@code base}: cosine similarity about 0.9 (a paraphrase). */
    static float[] near(float[] base, long seed) {
        return gaussianUnit(new SplittableRandom(seed), base.length, base, 0.45);
    }

    /** A unit vector: {@code center} plus Gaussian noise of norm about {@code spread}, or pure noise without a center. */
    static float[] gaussianUnit(SplittableRandom r, int dims, float[] center, double spread) {
        float[] v = new float[dims];
        double scale = center == null ? 1 : spread / Math.sqrt(dims);
        double norm = 0;
        for (int d = 0; d < dims; d++) {
            double x = nextGaussian(r) * scale + (center == null ? 0 : center[d]);
            v[d] = (float) x;
            norm += x * x;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < dims; d++) {
            v[d] *= inv;
        }
        return v;
    }

    private static double nextGaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double w = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }
}
