package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 3x3 convolution on the Vector API. Stride 1, interior rows: 16 output columns at a
 * time, the nine taps held in registers; border rows and columns go through the scalar path.
 * Stride 2 (a quarter of the outputs) and other kernel sizes use the scalar path: the Vector API
 * of JDK 17 has no cheap strided load.
 */
public final class VectorDepthwiseKernel implements DepthwiseKernel {
    public static final VectorDepthwiseKernel INSTANCE = new VectorDepthwiseKernel();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorDepthwiseKernel() {}

    @Override
    public String name() {
        return "vector-" + (L * 32) + "bit";
    }

    @Override
    public void channels(int c0, int c1, float[] in, int inOff, int h, int w, float[] weights, float[] bias,
                         int kh, int kw, int stride, int padT, int padL, float[] out, int outOff, int oh, int ow,
                         Activation act) {
        if (stride != 1) {
            ScalarDepthwiseKernel.INSTANCE.channels(c0, c1, in, inOff, h, w, weights, bias, kh, kw, stride, padT,
                    padL, out, outOff, oh, ow, act);
            return;
        }
        if (kh != 3 || kw != 3) {
            ScalarDepthwiseKernel.INSTANCE.channels(c0, c1, in, inOff, h, w, weights, bias, kh, kw, stride, padT,
                    padL, out, outOff, oh, ow, act);
            return;
        }
        int xLo = ScalarDepthwiseKernel.interiorFrom(1, padL);
        int xHi = ScalarDepthwiseKernel.interiorTo(w, kw, 1, padL, ow);
        boolean clamp = act != Activation.NONE;
        for (int ch = c0; ch < c1; ch++) {
            int plane = inOff + ch * h * w;
            int wo = ch * 9;
            // the nine taps and the bias stay in registers for the whole channel
            FloatVector w0 = FloatVector.broadcast(S, weights[wo]), w1 = FloatVector.broadcast(S, weights[wo + 1]),
                    w2 = FloatVector.broadcast(S, weights[wo + 2]), w3 = FloatVector.broadcast(S, weights[wo + 3]),
                    w4 = FloatVector.broadcast(S, weights[wo + 4]), w5 = FloatVector.broadcast(S, weights[wo + 5]),
                    w6 = FloatVector.broadcast(S, weights[wo + 6]), w7 = FloatVector.broadcast(S, weights[wo + 7]),
                    w8 = FloatVector.broadcast(S, weights[wo + 8]);
            FloatVector bv = FloatVector.broadcast(S, bias == null ? 0f : bias[ch]);
            FloatVector lo = FloatVector.broadcast(S, act.lo), hi = FloatVector.broadcast(S, act.hi);
            for (int oy = 0; oy < oh; oy++) {
                int iy0 = oy - padT;
                int o = outOff + (ch * oh + oy) * ow;
                int ox = xLo;
                if (iy0 >= 0 && iy0 + 3 <= h) {
                    int r0 = plane + iy0 * w - padL, r1 = r0 + w, r2 = r1 + w;
                    for (; ox + L <= xHi; ox += L) {
                        FloatVector acc = FloatVector.fromArray(S, in, r0 + ox).fma(w0, bv);
                        acc = FloatVector.fromArray(S, in, r0 + ox + 1).fma(w1, acc);
                        acc = FloatVector.fromArray(S, in, r0 + ox + 2).fma(w2, acc);
                        acc = FloatVector.fromArray(S, in, r1 + ox).fma(w3, acc);
                        acc = FloatVector.fromArray(S, in, r1 + ox + 1).fma(w4, acc);
                        acc = FloatVector.fromArray(S, in, r1 + ox + 2).fma(w5, acc);
                        acc = FloatVector.fromArray(S, in, r2 + ox).fma(w6, acc);
                        acc = FloatVector.fromArray(S, in, r2 + ox + 1).fma(w7, acc);
                        acc = FloatVector.fromArray(S, in, r2 + ox + 2).fma(w8, acc);
                        if (clamp) acc = acc.max(lo).min(hi);
                        acc.intoArray(out, o + ox);
                    }
                } else {
                    ox = 0; // border row: all scalar
                }
                int left = Math.min(xLo, ow);
                if (ox > left) {
                    ScalarDepthwiseKernel.row(ch, oy, 0, left, in, inOff, h, w, weights, bias, kh, kw, 1, padT, padL,
                            out, outOff, oh, ow, act);
                } else {
                    ox = 0;
                }
                ScalarDepthwiseKernel.row(ch, oy, ox, ow, in, inOff, h, w, weights, bias, kh, kw, 1, padT, padL,
                        out, outOff, oh, ow, act);
            }
        }
    }
}
