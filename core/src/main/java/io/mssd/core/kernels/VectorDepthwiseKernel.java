package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 3x3 convolution on the Vector API. Interior rows are computed a vector of output
 * columns at a time with the nine taps in registers; the ragged end of a row is one more vector
 * that overlaps the previous one (recomputing identical values); border rows and columns go
 * through the scalar path. Stride 2 first splits each channel into its even and odd columns (a
 * per-thread scratch copy), which turns every tap into a contiguous load. Rows with fewer than 16
 * interior columns and other kernel sizes use the scalar kernel (on JDK 17, C2 boxes 8-lane
 * vectors in this loop, which would allocate on every call).
 */
public final class VectorDepthwiseKernel implements DepthwiseKernel {
    public static final VectorDepthwiseKernel INSTANCE = new VectorDepthwiseKernel();

    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;
    private static final ThreadLocal<float[]> SPLIT = ThreadLocal.withInitial(() -> new float[0]);

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
        int xLo = ScalarDepthwiseKernel.interiorFrom(stride, padL);
        int xHi = ScalarDepthwiseKernel.interiorTo(w, kw, stride, padL, ow);
        int span = xHi - xLo;
        int lanes = span >= 16 ? 16 : 0;
        int we = (w + 1) / 2, wo = w / 2;
        float[] split = null;
        if (stride == 2 && lanes > 0) {
            split = SPLIT.get();
            if (split.length < h * w) {
                split = new float[h * w];
                SPLIT.set(split);
            }
        }
        for (int ch = c0; ch < c1; ch++) {
            int plane = inOff + ch * h * w;
            float b = bias == null ? 0f : bias[ch];
            if (split != null) {
                // even columns to split[0 .. h*we), odd columns to split[h*we .. h*w)
                int odd = h * we;
                for (int y = 0; y < h; y++) {
                    int src = plane + y * w, e = y * we, o = odd + y * wo;
                    for (int x = 0; x < wo; x++) {
                        split[e + x] = in[src + 2 * x];
                        split[o + x] = in[src + 2 * x + 1];
                    }
                    if (we > wo) split[e + wo] = in[src + w - 1];
                }
            }
            for (int oy = 0; oy < oh; oy++) {
                int iy0 = oy * stride - padT;
                int o = outOff + (ch * oh + oy) * ow;
                boolean interiorRow = iy0 >= 0 && iy0 + 3 <= h && lanes > 0;
                if (interiorRow) {
                    float[] x;
                    int s0, s1, s2, st0, st1, st2; // per kx: where the tap of column 0 starts, and its row step
                    if (stride == 1) {
                        x = in;
                        s0 = plane + iy0 * w - padL;
                        s1 = s0 + 1;
                        s2 = s0 + 2;
                        st0 = st1 = st2 = w;
                    } else {
                        // tap kx reads input column 2*ox + kx - padL: the even plane if that is even
                        x = split;
                        int odd = h * we;
                        s0 = tapStart(-padL, iy0, we, wo, odd);
                        s1 = tapStart(1 - padL, iy0, we, wo, odd);
                        s2 = tapStart(2 - padL, iy0, we, wo, odd);
                        st0 = (padL & 1) == 0 ? we : wo;
                        st1 = (padL & 1) == 0 ? wo : we;
                        st2 = st0;
                    }
                    interior16(x, x, x, s0, s1, s2, st0, st1, st2, xLo, xHi, weights, ch * 9, b, act, out, o);
                    ScalarDepthwiseKernel.row(ch, oy, 0, Math.min(xLo, ow), in, inOff, h, w, weights, bias, kh, kw, stride,
                            padT, padL, out, outOff, oh, ow, act);
                    ScalarDepthwiseKernel.row(ch, oy, xHi, ow, in, inOff, h, w, weights, bias, kh, kw, stride,
                            padT, padL, out, outOff, oh, ow, act);
                } else {
                    ScalarDepthwiseKernel.row(ch, oy, 0, ow, in, inOff, h, w, weights, bias, kh, kw, stride, padT, padL,
                            out, outOff, oh, ow, act);
                }
            }
        }
    }

    /** Start in the split planes of the tap reading column 2*ox + d of input row iy0, for ox = 0. */
    private static int tapStart(int d, int iy0, int we, int wo, int odd) {
        if (Math.floorMod(d, 2) == 0) return iy0 * we + d / 2;
        return odd + iy0 * wo + Math.floorDiv(d - 1, 2);
    }

    /**
     * Output columns [from, to) of one row: out[o + x] = act(b + sum over ky, kx of
     * w[ky][kx] * x_kx[s_kx + ky * step_kx + x]).
     */
    private static void interior16(float[] x0, float[] x1, float[] x2, int s0, int s1, int s2, int st0, int st1, int st2,
                                   int from, int to, float[] wt, int wo, float bias, Activation act, float[] out, int o) {
        final VectorSpecies<Float> S = S16;
        final int L = 16;
        FloatVector w0 = FloatVector.broadcast(S, wt[wo]), w1 = FloatVector.broadcast(S, wt[wo + 1]),
                w2 = FloatVector.broadcast(S, wt[wo + 2]), w3 = FloatVector.broadcast(S, wt[wo + 3]),
                w4 = FloatVector.broadcast(S, wt[wo + 4]), w5 = FloatVector.broadcast(S, wt[wo + 5]),
                w6 = FloatVector.broadcast(S, wt[wo + 6]), w7 = FloatVector.broadcast(S, wt[wo + 7]),
                w8 = FloatVector.broadcast(S, wt[wo + 8]);
        FloatVector bv = FloatVector.broadcast(S, bias);
        FloatVector lo = FloatVector.broadcast(S, act.lo), hi = FloatVector.broadcast(S, act.hi);
        boolean clamp = act != Activation.NONE;
        int last = to - L;
        for (int xs = from; xs < to; xs += L) {
            int x = Math.min(xs, last); // the last vector overlaps the previous one: same values again
            FloatVector acc = FloatVector.fromArray(S, x0, s0 + x).fma(w0, bv);
            acc = FloatVector.fromArray(S, x1, s1 + x).fma(w1, acc);
            acc = FloatVector.fromArray(S, x2, s2 + x).fma(w2, acc);
            acc = FloatVector.fromArray(S, x0, s0 + st0 + x).fma(w3, acc);
            acc = FloatVector.fromArray(S, x1, s1 + st1 + x).fma(w4, acc);
            acc = FloatVector.fromArray(S, x2, s2 + st2 + x).fma(w5, acc);
            acc = FloatVector.fromArray(S, x0, s0 + 2 * st0 + x).fma(w6, acc);
            acc = FloatVector.fromArray(S, x1, s1 + 2 * st1 + x).fma(w7, acc);
            acc = FloatVector.fromArray(S, x2, s2 + 2 * st2 + x).fma(w8, acc);
            if (clamp) acc = acc.max(lo).min(hi);
            acc.intoArray(out, o + x);
        }
    }
}
