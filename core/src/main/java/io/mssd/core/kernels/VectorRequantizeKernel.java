package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Requantisation on the Vector API, bit for bit the scalar kernel's result (zeros included: +0.0 in
 * both). JDK 17 does not compile the float-to-int lane conversion (it allocates), so the rounding stays
 * in floats. Ties to even: once
 * clamped, |v| <= 255 and v + 1.5 * 2^23 lies in [2^23, 2^24), where floats are the integers, so adding
 * and subtracting it rounds v (XNNPACK's "magic bias"). Half away from zero: floor(|v| + 0.5) for
 * 0 <= a < 2^23 is a rounded by adding and subtracting 2^23, less one where that rounded up; larger
 * values are whole numbers already (and clamped anyway); then the sign back.
 */
public final class VectorRequantizeKernel implements RequantizeKernel {
    public static final VectorRequantizeKernel INSTANCE = new VectorRequantizeKernel();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED; // see VectorDepthwiseKernel
    private static final int L = S.length();

    private VectorRequantizeKernel() {}

    @Override
    public void apply(float[] x, float[] y, int from, int to, float m, float qlo, float qhi, float s, boolean halfAwayFromZero) {
        FloatVector mv = FloatVector.broadcast(S, m), lo = FloatVector.broadcast(S, qlo), hi = FloatVector.broadcast(S, qhi),
                sv = FloatVector.broadcast(S, s);
        int i = from;
        if (halfAwayFromZero) {
            FloatVector half = FloatVector.broadcast(S, 0.5f), magic = FloatVector.broadcast(S, 8388608f),
                    one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
            for (; i + L <= to; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, i).mul(mv);
                FloatVector a = v.abs().add(half); // |v| + 0.5, as v + copySign(0.5, v) in the scalar kernel
                FloatVector f = a.add(magic).sub(magic);
                FloatVector t = f.sub(one, f.compare(VectorOperators.GT, a)); // floor(a)
                // 0 - t, not -t: a zero stays +0.0, as the scalar kernel's int conversion gives
                VectorClamp.of(t.blend(zero.sub(t), v.compare(VectorOperators.LT, 0f)), lo, hi).mul(sv).intoArray(y, i);
            }
        } else {
            FloatVector magic = FloatVector.broadcast(S, 12582912f);
            for (; i + L <= to; i += L) {
                // clamping first changes nothing (the bounds are integers) and keeps |v| small for the magic bias
                FloatVector v = VectorClamp.of(FloatVector.fromArray(S, x, i).mul(mv), lo, hi);
                v.add(magic).sub(magic).mul(sv).intoArray(y, i);
            }
        }
        ScalarRequantizeKernel.INSTANCE.apply(x, y, i, to, m, qlo, qhi, s, halfAwayFromZero);
    }
}
