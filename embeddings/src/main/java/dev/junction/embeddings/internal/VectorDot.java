package dev.junction.embeddings.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API dot product; loaded only when {@code jdk.incubator.vector} is present (see {@link Dot}). */
final class VectorDot {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorDot() {
    }

    static float dot(float[] a, int aOff, float[] b, int len) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        int i = 0;
        for (; i < bound; i += step) {
            acc = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += a[aOff + i] * b[i];
        }
        return s;
    }
}
