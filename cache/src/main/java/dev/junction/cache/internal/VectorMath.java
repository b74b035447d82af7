package dev.junction.cache.internal;

/**
 * Dot products for the exact scan: the Vector API (SIMD) when {@code jdk.incubator.vector} is present (module path,
 * or {@code --add-modules=jdk.incubator.vector} on the class path), else a plain loop. Stateless and thread-safe.
 */
public final class VectorMath {
    /** Whether the SIMD path is in use. */
    public static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorMath() {
    }

    /** The dot product of {@code a} and {@code b[offset, offset + a.length)}. */
    public static float dot(float[] a, float[] b, int offset) {
        if (SIMD) {
            return SimdDot.dot(a, b, offset);
        }
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[offset + i];
        }
        return sum;
    }

    /** The dot product of {@code a} and the signed bytes {@code b[offset, offset + a.length)}. */
    public static float dotInt8(float[] a, byte[] b, int offset) {
        if (SIMD) {
            return SimdDot.dotInt8(a, b, offset);
        }
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[offset + i];
        }
        return sum;
    }

    /** The dot product of two vectors of the same length. */
    public static float dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors differ in length: " + a.length + " vs " + b.length);
        }
        return dot(a, b, 0);
    }

    /** The plain scalar loop, the baseline the benchmarks compare against. */
    public static float dotScalar(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
