package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/** {@link EvenColumns} on the Vector API: loaded only where jdk.incubator.vector is present. */
final class VectorEvenColumns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane i takes lane 2i (mod L): the even lanes of one vector in its lower half, of the next in its upper half. */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(S, i -> (2 * i) % L);
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(S, i -> (2 * i + 1) % L);
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(S, ((1L << L) - 1) & ~((1L << (L / 2)) - 1));

    private VectorEvenColumns() {}

    /**
     * The even lanes of two vectors, each permuted, then blended (JDK 17 compiles this, unlike the two-vector
     * rearrange, without allocating); the last vector overlaps the previous one. Reads src up to s + 2n - 1.
     */
    static void copy(float[] src, int s, float[] dst, int d, int n) {
        if (n < L || s + 2 * n > src.length) {
            EvenColumns.scalar(src, s, dst, d, n);
            return;
        }
        int last = n - L;
        for (int xs = 0; xs < n; xs += L) {
            int x = Math.min(xs, last);
            FloatVector lo = FloatVector.fromArray(S, src, s + 2 * x), hi = FloatVector.fromArray(S, src, s + 2 * x + L);
            lo.rearrange(EVENS).blend(hi.rearrange(EVENS), UPPER).intoArray(dst, d + x);
        }
    }

    /** dst[even + j] = src[s + 2j] and dst[odd + j] = src[s + 2j + 1] for j in [0, n), n >= L: a row split in two. */
    static void split(float[] src, int s, float[] dst, int even, int odd, int n) {
        int last = n - L;
        for (int js = 0; js < n; js += L) {
            int j = Math.min(js, last); // the last vector overlaps the previous one
            FloatVector lo = FloatVector.fromArray(S, src, s + 2 * j), hi = FloatVector.fromArray(S, src, s + 2 * j + L);
            lo.rearrange(EVENS).blend(hi.rearrange(EVENS), UPPER).intoArray(dst, even + j);
            lo.rearrange(ODDS).blend(hi.rearrange(ODDS), UPPER).intoArray(dst, odd + j);
        }
    }
}
