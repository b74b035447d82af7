package dev.junction.cache.internal;

import java.util.Arrays;

/**
 * Scalar-quantized copies of an index's vectors, packed in large contiguous chunks: each vector as one signed byte
 * per dimension plus one float scale ({@code max |x_i| / 127}), so that {@code scale * sum(q_i * code_i)}
 * approximates {@code q . x} to about 1 % of a typical component. A graph search scores thousands of nodes per query;
 * reading 384 bytes from one flat array costs far less than chasing a slot, its vector wrapper and its 1.5 KB
 * float[] scattered over the heap. The graph search ranks with these scores and re-ranks its candidates exactly.
 *
 * <p>Ordinals map to chunks of {@link #CHUNK} vectors; growing adds chunks and never moves written codes. Writes
 * come from the index's writer (one thread, or a parallel bulk load over distinct ordinals after
 * {@link #ensureCapacity}); a reader only asks for an ordinal after the graph published it, which happens after its
 * code was written.
 */
final class Int8Codes {
    static final int CHUNK_BITS = 14;
    static final int CHUNK = 1 << CHUNK_BITS;
    private static final int MASK = CHUNK - 1;

    private final int dimensions;
    private volatile byte[][] codes = new byte[0][];
    private volatile float[][] scales = new float[0][];

    Int8Codes(int dimensions) {
        this.dimensions = dimensions;
    }

    /** Makes room for ordinals below {@code size}; called by the writer before it {@link #set}s them. */
    void ensureCapacity(int size) {
        int chunks = (size + MASK) >>> CHUNK_BITS;
        byte[][] c = codes;
        if (chunks <= c.length) {
            return;
        }
        byte[][] grownCodes = Arrays.copyOf(c, chunks);
        float[][] grownScales = Arrays.copyOf(scales, chunks);
        for (int i = c.length; i < chunks; i++) {
            grownCodes[i] = new byte[CHUNK * dimensions];
            grownScales[i] = new float[CHUNK];
        }
        scales = grownScales;
        codes = grownCodes;
    }

    /** Quantizes {@code vector} into the ordinal's code; the ordinal must be below the capacity. */
    void set(int ordinal, float[] vector) {
        float max = 0;
        for (float x : vector) {
            max = Math.max(max, Math.abs(x));
        }
        float scale = max / 127f;
        float inverse = max == 0 ? 0 : 127f / max;
        byte[] chunk = codes[ordinal >>> CHUNK_BITS];
        int offset = (ordinal & MASK) * dimensions;
        for (int i = 0; i < dimensions; i++) {
            chunk[offset + i] = (byte) Math.round(vector[i] * inverse);
        }
        scales[ordinal >>> CHUNK_BITS][ordinal & MASK] = scale;
    }

    /** The approximate dot product of {@code query} and the vector at {@code ordinal}. */
    float dot(float[] query, int ordinal) {
        int chunk = ordinal >>> CHUNK_BITS;
        int at = ordinal & MASK;
        return scales[chunk][at] * VectorMath.dotInt8(query, codes[chunk], at * dimensions);
    }

    /**
     * {@link #dot} for {@code ordinals[0, n)} into {@code out}, in two passes: the first touches every cache line of
     * every code (independent loads the CPU overlaps), the second computes the dot products from cache. Scoring one
     * node at a time waits on each node's memory in turn; a graph search scores an expanded node's neighbours
     * together, and this is where its time goes. Returns a value derived from the touched bytes, which the caller
     * must keep (so the first pass is not optimized away).
     */
    int dots(float[] query, int[] ordinals, int n, float[] out) {
        byte[][] c = codes;
        float[][] s = scales;
        int touched = 0;
        for (int i = 0; i < n; i++) {
            int ordinal = ordinals[i];
            byte[] chunk = c[ordinal >>> CHUNK_BITS];
            int offset = (ordinal & MASK) * dimensions;
            for (int at = 0; at < dimensions; at += 64) {
                touched += chunk[offset + at];
            }
            out[i] = s[ordinal >>> CHUNK_BITS][ordinal & MASK];
        }
        for (int i = 0; i < n; i++) {
            int ordinal = ordinals[i];
            out[i] *= VectorMath.dotInt8(query, c[ordinal >>> CHUNK_BITS], (ordinal & MASK) * dimensions);
        }
        return touched;
    }
}
