package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The gradient steps on the Vector API: the activation mask by a lane compare, channel sums in vector accumulators. */
public final class VectorGradientKernel implements GradientKernel {
    public static final VectorGradientKernel INSTANCE = new VectorGradientKernel();
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorGradientKernel() {}

    @Override
    public void mask(float lo, float hi, float[] y, float[] g, int n) {
        FloatVector vlo = FloatVector.broadcast(S, lo), vhi = FloatVector.broadcast(S, hi), zero = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(S, y, i);
            VectorMask<Float> flat = v.compare(VectorOperators.LE, vlo).or(v.compare(VectorOperators.GE, vhi));
            FloatVector.fromArray(S, g, i).blend(zero, flat).intoArray(g, i);
        }
        for (; i < n; i++) {
            float v = y[i];
            if (!(v > lo && v < hi)) g[i] = 0;
        }
    }

    @Override
    public void channelSums(float[] g, int off, int channels, int plane, float[] sums) {
        for (int c = 0; c < channels; c++) sums[c] += sum(g, off + c * plane, off + (c + 1) * plane);
    }

    /** One plane's sum, its vector loop alone in its method (C2 keeps the accumulator in a register). */
    private static float sum(float[] g, int from, int to) {
        FloatVector acc = FloatVector.zero(S);
        int i = from;
        for (; i + L <= to; i += L) acc = acc.add(FloatVector.fromArray(S, g, i));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) s += g[i];
        return s;
    }
}
