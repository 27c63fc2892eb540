package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 3x3 convolution on the Vector API. Each channel is first copied into a per-thread
 * scratch plane with its zero padding made explicit, so every output pixel is an "interior" one:
 * rows are then computed 16 output columns at a time with the nine taps in registers, the ragged
 * end as one more vector overlapping the previous one (recomputing identical values). Stride 2 on
 * maps of 16 or more outputs a row stores each padded row as its even columns, then its odd ones
 * (JDK 17's Vector API has no cheap strided load): a kernel row's taps are then three unit-stride
 * loads and only the kept outputs are computed; narrower stride-2 maps compute each stride-1 row
 * and keep every other column. Small maps (19x19, 10x10) run the whole padded plane as one long
 * row and drop the columns between rows: fewer, fuller vectors. Maps too small even for that use
 * plain loops on the padded plane (on JDK 17, C2 boxes 8-lane vectors in this loop, which would
 * allocate); other kernel sizes use the scalar kernel. Every output is its bias, then one FMA per
 * tap in order (a zero in the padding), whichever path computes it.
 */
public final class VectorDepthwiseKernel implements DepthwiseKernel {
    public static final VectorDepthwiseKernel INSTANCE = new VectorDepthwiseKernel();

    // the machine's preferred width: a fixed 512-bit species is not compiled on AVX2-only CPUs
    // (every operation falls back to Java code, and the fallback pollutes the GEMM's profile too)
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
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
        // Stride 2 on wide maps: each padded row stored as its even columns, then its odd ones, so that the three
        // taps of a kernel row are unit-stride loads (even x, odd x, even x + 1) and only the kept outputs are
        // computed. Measured (old and new kernels alternating in one network): 0.77-0.88x on 75, 38 and 19 outputs
        // a row, 1.08x on 10 (there the split copy costs more than the arithmetic saved): from 16 on. A method of
        // its own: inlined here, it made C2 compile the other paths 3-8% slower.
        if (stride == 2 && ow >= Math.max(L, 16)) {
            splitChannels(c0, c1, in, inOff, h, w, weights, bias, padT, padL, out, outOff, oh, ow, act);
            return;
        }
        // padded plane: rows -padT .. (oh-1)*stride+2-padT of the input, likewise columns
        int hp = (oh - 1) * stride + 3, wp = (ow - 1) * stride + 3;
        int full = wp - 2; // stride-1 outputs of a padded row
        // Small maps: the stride-1 outputs of the whole padded plane as one long row, the columns
        // between rows computed and dropped, when that takes fewer vectors than row by row.
        int span = (oh - 1) * stride * wp + (ow - 1) * stride + 1;
        int rowVectors = oh * (((stride == 1 ? ow : full) + L - 1) / L), flatVectors = (span + L - 1) / L;
        boolean flat = span >= L && (ow < L || 5 * flatVectors < 4 * rowVectors);
        // + 1: the even columns' copy reads one past the last even value
        float[] p = ThreadBuffers.atLeast(PLANE, hp * wp + Math.max(full, span) + 1);
        int tmp = hp * wp; // stride-1 results that are picked from: a row (stride 2) or the flat span
        int x0 = Math.min(padL, wp), x1 = Math.min(wp, padL + w); // padded columns holding input
        // the padding is zeroed once: each channel then overwrites only the input rows' interior
        java.util.Arrays.fill(p, 0, hp * wp, 0f);
        int y0 = Math.max(0, padT), y1 = Math.min(hp, padT + h), cols = x1 - x0;
        for (int ch = c0; ch < c1; ch++) {
            int plane = inOff + ch * h * w + (x0 - padL);
            for (int y = y0; y < y1; y++) {
                int src = plane + (y - padT) * w, dst = y * wp + x0;
                if (cols < L) {
                    for (int x = 0; x < cols; x++) p[dst + x] = in[src + x];
                } else {
                    for (int xs = 0; xs < cols; xs += L) {
                        int x = Math.min(xs, cols - L);
                        FloatVector.fromArray(S, in, src + x).intoArray(p, dst + x);
                    }
                }
            }
            float b = bias == null ? 0f : bias[ch];
            int o = outOff + ch * oh * ow;
            if (flat) {
                row(p, 0, wp, span, weights, ch * 9, b, act, p, tmp);
                for (int oy = 0; oy < oh; oy++) {
                    int src = tmp + oy * stride * wp, dst = o + oy * ow;
                    if (stride == 1) {
                        System.arraycopy(p, src, out, dst, ow);
                    } else {
                        VectorEvenColumns.copy(p, src, out, dst, ow);
                    }
                }
                continue;
            }
            if (ow < L) {
                narrowRows(p, wp, stride, weights, ch * 9, b, act, out, o, oh, ow);
                continue;
            }
            if (stride == 1) {
                int oy = 0;
                for (; oy + 1 < oh; oy += 2) rowPair(p, oy * wp, wp, ow, weights, ch * 9, b, act, out, o + oy * ow, ow);
                if (oy < oh) row(p, oy * wp, wp, ow, weights, ch * 9, b, act, out, o + oy * ow);
                continue;
            }
            for (int oy = 0; oy < oh; oy++) {
                row(p, oy * stride * wp, wp, full, weights, ch * 9, b, act, p, tmp);
                VectorEvenColumns.copy(p, tmp, out, o + oy * ow, ow);
            }
        }
    }

    /** Stride 2 on maps of 16 or more outputs a row (and a vector): the padded rows split into even and odd columns. */
    private static void splitChannels(int c0, int c1, float[] in, int inOff, int h, int w, float[] weights, float[] bias,
                                      int padT, int padL, float[] out, int outOff, int oh, int ow, Activation act) {
        int hp = 2 * oh + 1, wp = 2 * ow + 1, half = ow + 1; // a split row: ow + 1 even columns, then ow odd ones
        float[] p = ThreadBuffers.atLeast(PLANE, hp * wp);
        int x0 = Math.min(padL, wp), x1 = Math.min(wp, padL + w); // padded columns holding input
        java.util.Arrays.fill(p, 0, hp * wp, 0f); // the padding, zeroed once (as in channels())
        int y0 = Math.max(0, padT), y1 = Math.min(hp, padT + h);
        for (int ch = c0; ch < c1; ch++) {
            int plane = inOff + ch * h * w + (x0 - padL);
            for (int y = y0; y < y1; y++) splitRow(in, plane + (y - padT) * w, p, y * wp, half, x0, x1);
            float b = bias == null ? 0f : bias[ch];
            int o = outOff + ch * oh * ow;
            for (int oy = 0; oy < oh; oy++) splitRowOutputs(p, oy * 2 * wp, half, wp, ow, weights, ch * 9, b, act, out, o + oy * ow);
        }
    }

    /**
     * Padded columns [x0, x1) of one row, read from in[src ..], written split: padded column x to p[d + x / 2]
     * when x is even, to p[d + half + x / 2] when odd.
     */
    private static void splitRow(float[] in, int src, float[] p, int d, int half, int x0, int x1) {
        int j0 = (x0 + 1) / 2, j1 = x1 / 2; // pairs (2j, 2j + 1) wholly inside [x0, x1)
        int from = src - x0; // in[from + x] holds padded column x
        if (j1 - j0 < L) {
            for (int x = x0; x < x1; x++) p[d + (x & 1) * half + x / 2] = in[from + x];
            return;
        }
        if (x0 < 2 * j0) p[d + half + x0 / 2] = in[from + x0]; // odd first column
        if (x1 > 2 * j1) p[d + j1] = in[from + x1 - 1]; // even last column
        VectorEvenColumns.split(in, from + 2 * j0, p, d + j0, d + half + j0, j1 - j0);
    }

    /**
     * One stride-1 output row of the padded plane: out[o + x] = act(b + sum over ky, kx of
     * w[ky][kx] * p[s + ky * step + x + kx]) for x in [0, n), n >= L.
     */
    private static void row(float[] p, int s, int step, int n, float[] wt, int wo, float bias, Activation act,
                            float[] out, int o) {
        int s0 = s, s1 = s + 1, s2 = s + 2;
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
            // bias, then the taps row by row, one fma each: the order rowPair and narrowRows use too
            FloatVector acc = FloatVector.fromArray(S, p, s0 + x).fma(w0, bv);
            acc = FloatVector.fromArray(S, p, s1 + x).fma(w1, acc);
            acc = FloatVector.fromArray(S, p, s2 + x).fma(w2, acc);
            acc = FloatVector.fromArray(S, p, s0 + step + x).fma(w3, acc);
            acc = FloatVector.fromArray(S, p, s1 + step + x).fma(w4, acc);
            acc = FloatVector.fromArray(S, p, s2 + step + x).fma(w5, acc);
            acc = FloatVector.fromArray(S, p, s0 + 2 * step + x).fma(w6, acc);
            acc = FloatVector.fromArray(S, p, s1 + 2 * step + x).fma(w7, acc);
            acc = FloatVector.fromArray(S, p, s2 + 2 * step + x).fma(w8, acc);
            if (clamp) acc = VectorClamp.of(acc, lo, hi);
            acc.intoArray(out, o + x);
        }
    }

    /**
     * One stride-2 output row of split padded rows (even columns at s, odd ones at s + half, rows step apart):
     * row()'s sum and order with the taps of a kernel row at the even column x, the odd column x, the even
     * column x + 1. Separate from row(), whose constant tap offsets C2 folds into the loads.
     */
    private static void splitRowOutputs(float[] p, int s, int half, int step, int n, float[] wt, int wo, float bias,
                                        Activation act, float[] out, int o) {
        int s0 = s, s1 = s + half, s2 = s + 1;
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
            // row()'s order
            FloatVector acc = FloatVector.fromArray(S, p, s0 + x).fma(w0, bv);
            acc = FloatVector.fromArray(S, p, s1 + x).fma(w1, acc);
            acc = FloatVector.fromArray(S, p, s2 + x).fma(w2, acc);
            acc = FloatVector.fromArray(S, p, s0 + step + x).fma(w3, acc);
            acc = FloatVector.fromArray(S, p, s1 + step + x).fma(w4, acc);
            acc = FloatVector.fromArray(S, p, s2 + step + x).fma(w5, acc);
            acc = FloatVector.fromArray(S, p, s0 + 2 * step + x).fma(w6, acc);
            acc = FloatVector.fromArray(S, p, s1 + 2 * step + x).fma(w7, acc);
            acc = FloatVector.fromArray(S, p, s2 + 2 * step + x).fma(w8, acc);
            if (clamp) acc = VectorClamp.of(acc, lo, hi);
            acc.intoArray(out, o + x);
        }
    }

    /**
     * Two stride-1 output rows at once (at s and s + step, written at o and o + outStep): the four
     * input rows are loaded once for both, 12 loads per pair of output vectors instead of 18.
     */
    private static void rowPair(float[] p, int s, int step, int n, float[] wt, int wo, float bias, Activation act,
                                float[] out, int o, int outStep) {
        FloatVector w0 = FloatVector.broadcast(S, wt[wo]), w1 = FloatVector.broadcast(S, wt[wo + 1]),
                w2 = FloatVector.broadcast(S, wt[wo + 2]), w3 = FloatVector.broadcast(S, wt[wo + 3]),
                w4 = FloatVector.broadcast(S, wt[wo + 4]), w5 = FloatVector.broadcast(S, wt[wo + 5]),
                w6 = FloatVector.broadcast(S, wt[wo + 6]), w7 = FloatVector.broadcast(S, wt[wo + 7]),
                w8 = FloatVector.broadcast(S, wt[wo + 8]);
        FloatVector bv = FloatVector.broadcast(S, bias);
        FloatVector lo = FloatVector.broadcast(S, act.lo), hi = FloatVector.broadcast(S, act.hi);
        boolean clamp = act != Activation.NONE;
        int last = n - L, r0 = s, r1 = s + step, r2 = s + 2 * step, r3 = s + 3 * step;
        for (int xs = 0; xs < n; xs += L) {
            int x = Math.min(xs, last); // the last vector overlaps the previous one: same values again
            // each output in row()'s order; the two middle input rows are loaded once for both
            FloatVector top = FloatVector.fromArray(S, p, r0 + x).fma(w0, bv);
            top = FloatVector.fromArray(S, p, r0 + x + 1).fma(w1, top);
            top = FloatVector.fromArray(S, p, r0 + x + 2).fma(w2, top);
            FloatVector i0 = FloatVector.fromArray(S, p, r1 + x), i1 = FloatVector.fromArray(S, p, r1 + x + 1),
                    i2 = FloatVector.fromArray(S, p, r1 + x + 2);
            top = i2.fma(w5, i1.fma(w4, i0.fma(w3, top)));
            FloatVector bot = i2.fma(w2, i1.fma(w1, i0.fma(w0, bv)));
            i0 = FloatVector.fromArray(S, p, r2 + x);
            i1 = FloatVector.fromArray(S, p, r2 + x + 1);
            i2 = FloatVector.fromArray(S, p, r2 + x + 2);
            top = i2.fma(w8, i1.fma(w7, i0.fma(w6, top)));
            bot = i2.fma(w5, i1.fma(w4, i0.fma(w3, bot)));
            bot = FloatVector.fromArray(S, p, r3 + x).fma(w6, bot);
            bot = FloatVector.fromArray(S, p, r3 + x + 1).fma(w7, bot);
            bot = FloatVector.fromArray(S, p, r3 + x + 2).fma(w8, bot);
            if (clamp) {
                top = VectorClamp.of(top, lo, hi);
                bot = VectorClamp.of(bot, lo, hi);
            }
            top.intoArray(out, o + x);
            bot.intoArray(out, o + outStep + x);
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
                float s = Math.fma(p[r0 + x], w0, bias); // the vector paths' order, lane by lane
                s = Math.fma(p[r0 + x + 1], w1, s);
                s = Math.fma(p[r0 + x + 2], w2, s);
                s = Math.fma(p[r1 + x], w3, s);
                s = Math.fma(p[r1 + x + 1], w4, s);
                s = Math.fma(p[r1 + x + 2], w5, s);
                s = Math.fma(p[r2 + x], w6, s);
                s = Math.fma(p[r2 + x + 1], w7, s);
                s = Math.fma(p[r2 + x + 2], w8, s);
                out[o + oy * ow + ox] = act.apply(s);
            }
        }
    }
}
