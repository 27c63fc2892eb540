package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 3x3 convolution on the Vector API. Each channel is first copied into a per-thread
 * scratch plane with its zero padding made explicit, so every output pixel is an "interior" one:
 * rows are then computed 16 output columns at a time with the nine taps in registers, the ragged
 * end as one more vector overlapping the previous one (recomputing identical values). Stride 2
 * computes the stride-1 row and keeps every other column: twice the arithmetic, but all of it in
 * vectors (JDK 17's Vector API has no cheap strided load). Maps narrower than 16 outputs use plain
 * loops on the padded plane (on JDK 17, C2 boxes 8-lane vectors in this loop, which would allocate);
 * other kernel sizes use the scalar kernel.
 */
public final class VectorDepthwiseKernel implements DepthwiseKernel {
    public static final VectorDepthwiseKernel INSTANCE = new VectorDepthwiseKernel();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = 16;
    private static final ThreadLocal<float[]> PLANE = ThreadLocal.withInitial(() -> new float[0]);

    private VectorDepthwiseKernel() {}

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void channels(int c0, int c1, float[] in, int inOff, int h, int w, float[] weights, float[] bias,
                         int kh, int kw, int stride, int padT, int padL, float[] out, int outOff, int oh, int ow,
                         Activation act) {
        if (kh != 3 || kw != 3 || stride > 2) {
            ScalarDepthwiseKernel.INSTANCE.channels(c0, c1, in, inOff, h, w, weights, bias, kh, kw, stride, padT,
                    padL, out, outOff, oh, ow, act);
            return;
        }
        // padded plane: rows -padT .. (oh-1)*stride+2-padT of the input, likewise columns
        int hp = (oh - 1) * stride + 3, wp = (ow - 1) * stride + 3;
        int full = wp - 2; // stride-1 outputs of a padded row
        float[] p = PLANE.get();
        if (p.length < hp * wp + full) {
            p = new float[hp * wp + full];
            PLANE.set(p);
        }
        int tmp = hp * wp; // stride 2: one stride-1 row, of which every other column is kept
        int x0 = Math.min(padL, wp), x1 = Math.min(wp, padL + w); // padded columns holding input
        for (int ch = c0; ch < c1; ch++) {
            int plane = inOff + ch * h * w;
            for (int y = 0; y < hp; y++) {
                int iy = y - padT, row = y * wp;
                if (iy < 0 || iy >= h) {
                    java.util.Arrays.fill(p, row, row + wp, 0f);
                    continue;
                }
                java.util.Arrays.fill(p, row, row + x0, 0f);
                System.arraycopy(in, plane + iy * w + (x0 - padL), p, row + x0, x1 - x0);
                java.util.Arrays.fill(p, row + x1, row + wp, 0f);
            }
            float b = bias == null ? 0f : bias[ch];
            if (ow < L) {
                narrowRows(p, wp, stride, weights, ch * 9, b, act, out, outOff + ch * oh * ow, oh, ow);
                continue;
            }
            for (int oy = 0; oy < oh; oy++) {
                int o = outOff + (ch * oh + oy) * ow;
                int s = oy * stride * wp;
                if (stride == 1) {
                    row(p, s, wp, ow, weights, ch * 9, b, act, out, o);
                } else {
                    row(p, s, wp, full, weights, ch * 9, b, act, p, tmp);
                    for (int x = 0; x < ow; x++) out[o + x] = p[tmp + 2 * x];
                }
            }
        }
    }

    /**
     * One stride-1 output row of the padded plane: out[o + x] = act(b + sum over ky, kx of
     * w[ky][kx] * p[s + ky * step + x + kx]) for x in [0, n), n >= 16.
     */
    private static void row(float[] p, int s, int step, int n, float[] wt, int wo, float bias, Activation act,
                            float[] out, int o) {
        int s0 = s, s1 = s + 1, s2 = s + 2, st0 = step, st1 = step, st2 = step;
        FloatVector w0 = FloatVector.broadcast(S, wt[wo]), w1 = FloatVector.broadcast(S, wt[wo + 1]),
                w2 = FloatVector.broadcast(S, wt[wo + 2]), w3 = FloatVector.broadcast(S, wt[wo + 3]),
                w4 = FloatVector.broadcast(S, wt[wo + 4]), w5 = FloatVector.broadcast(S, wt[wo + 5]),
                w6 = FloatVector.broadcast(S, wt[wo + 6]), w7 = FloatVector.broadcast(S, wt[wo + 7]),
                w8 = FloatVector.broadcast(S, wt[wo + 8]);
        FloatVector bv = FloatVector.broadcast(S, bias);
        FloatVector lo = FloatVector.broadcast(S, act.lo), hi = FloatVector.broadcast(S, act.hi);
        boolean clamp = act != Activation.NONE;
        int last = n - L;
        for (int xs = 0; xs < n; xs += L) {
            int x = Math.min(xs, last); // the last vector overlaps the previous one: same values again
            FloatVector acc = FloatVector.fromArray(S, p, s0 + x).fma(w0, bv);
            acc = FloatVector.fromArray(S, p, s1 + x).fma(w1, acc);
            acc = FloatVector.fromArray(S, p, s2 + x).fma(w2, acc);
            acc = FloatVector.fromArray(S, p, s0 + st0 + x).fma(w3, acc);
            acc = FloatVector.fromArray(S, p, s1 + st1 + x).fma(w4, acc);
            acc = FloatVector.fromArray(S, p, s2 + st2 + x).fma(w5, acc);
            acc = FloatVector.fromArray(S, p, s0 + 2 * st0 + x).fma(w6, acc);
            acc = FloatVector.fromArray(S, p, s1 + 2 * st1 + x).fma(w7, acc);
            acc = FloatVector.fromArray(S, p, s2 + 2 * st2 + x).fma(w8, acc);
            if (clamp) acc = acc.max(lo).min(hi);
            acc.intoArray(out, o + x);
        }
    }

    /** Maps narrower than a vector: plain loops, but on the padded plane, so without bounds checks. */
    private static void narrowRows(float[] p, int wp, int stride, float[] wt, int wo, float bias, Activation act,
                                   float[] out, int o, int oh, int ow) {
        float w0 = wt[wo], w1 = wt[wo + 1], w2 = wt[wo + 2], w3 = wt[wo + 3], w4 = wt[wo + 4], w5 = wt[wo + 5],
                w6 = wt[wo + 6], w7 = wt[wo + 7], w8 = wt[wo + 8];
        for (int oy = 0; oy < oh; oy++) {
            int r0 = oy * stride * wp, r1 = r0 + wp, r2 = r1 + wp;
            for (int ox = 0; ox < ow; ox++) {
                int x = ox * stride;
                float s = bias + w0 * p[r0 + x] + w1 * p[r0 + x + 1] + w2 * p[r0 + x + 2]
                        + w3 * p[r1 + x] + w4 * p[r1 + x + 1] + w5 * p[r1 + x + 2]
                        + w6 * p[r2 + x] + w7 * p[r2 + x + 1] + w8 * p[r2 + x + 2];
                out[o + oy * ow + ox] = act.apply(s);
            }
        }
    }
}
