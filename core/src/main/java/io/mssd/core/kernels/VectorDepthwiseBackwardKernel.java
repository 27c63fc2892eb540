package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The depthwise backward pass on the Vector API for 3x3 stride-1 layers padded by 1 (MobileNet's
 * 13 stride-1 depthwise layers): input and gradient are copied into zero-bordered planes, so every
 * tap is a shifted row; dW takes nine vector accumulators fed by one load of the gradient, dx is the
 * gradient convolved with the flipped window. Other geometries take the scalar loops.
 */
public final class VectorDepthwiseBackwardKernel implements DepthwiseBackwardKernel {
    public static final VectorDepthwiseBackwardKernel INSTANCE = new VectorDepthwiseBackwardKernel();
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorDepthwiseBackwardKernel() {}

    /** Per-thread zero-padded copies of one channel's input and output gradient (grown on first use). */
    private static final ThreadLocal<float[][]> PADDED = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    @Override
    public void channels(int c0, int c1, int kh, int kw, int stride, float[] x, int h, int w, float[] g, int oh, int ow,
                         float[] weights, float[] dW, float[] dx, int padT, int padL) {
        // stride 1 with a 3x3 window padded by 1 (TF SAME and Caffe pad 1 alike): padded planes make every
        // tap a plain shifted row; other geometries take the scalar loops
        if (stride == 2 && kh == 3 && kw == 3 && padT <= 1 && padL <= 1 && ow >= L) {
            strideTwo(c0, c1, x, h, w, g, oh, ow, weights, dW, dx, padT, padL);
            return;
        }
        if (stride != 1 || kh != 3 || kw != 3 || padT != 1 || padL != 1 || oh != h || ow != w || w < L) {
            ScalarDepthwiseBackwardKernel.INSTANCE.channels(c0, c1, kh, kw, stride, x, h, w, g, oh, ow, weights, dW, dx, padT, padL);
            return;
        }
        int wp = w + 2, hp = h + 2, size = wp * hp + L;
        float[][] bufs = PADDED.get();
        if (bufs[0].length < size) {
            bufs[0] = new float[size];
            bufs[1] = new float[size];
        }
        float[] xp = bufs[0], gp = bufs[1];
        int plane = h * w;
        for (int c = c0; c < c1; c++) {
            int xo = c * plane, wo = c * 9;
            pad(x, xo, h, w, xp);
            if (dW != null) weightGradient(g, xo, h, w, xp, wp, dW, wo);
            if (dx != null) {
                pad(g, xo, h, w, gp);
                inputGradient(gp, wp, h, w, weights, wo, dx, xo);
            }
        }
    }

    /** dst = src plane (h x w) inside a zero border of 1. */
    private static void pad(float[] src, int off, int h, int w, float[] dst) {
        int wp = w + 2;
        java.util.Arrays.fill(dst, 0, wp, 0f);
        for (int y = 0; y < h; y++) {
            int d = (y + 1) * wp;
            dst[d] = 0;
            System.arraycopy(src, off + y * w, dst, d + 1, w);
            dst[d + w + 1] = 0;
        }
        java.util.Arrays.fill(dst, (h + 1) * wp, (h + 2) * wp, 0f);
    }

    /** dW[ky][kx] += sum g[y][x] * xp[y + ky][x + kx], one row of taps at a time. */
    private static void weightGradient(float[] g, int go, int h, int w, float[] xp, int wp, float[] dW, int wo) {
        for (int ky = 0; ky < 3; ky++) tapRow(g, go, h, w, xp, wp, ky, dW, wo + ky * 3);
    }

    private static void tapRow(float[] g, int go, int h, int w, float[] xp, int wp, int ky, float[] dW, int o) {
        double[] acc = new double[3];
        for (int y = 0; y < h; y++) {
            int r = (y + ky) * wp;
            rowDots(g, go + y * w, w, xp, r, xp, r + 1, xp, r + 2, acc);
        }
        for (int i = 0; i < 3; i++) dW[o + i] += (float) acc[i];
    }

    /**
     * acc[i] += the dot product of g[gOff .. gOff + n) with a_i[o_i ..]: three taps of one row. The
     * vector accumulators live within this one loop: carried across two nested loops, C2 (JDK 17) kept
     * them in memory, 13x slower (measured).
     */
    private static void rowDots(float[] g, int gOff, int n, float[] a0, int o0, float[] a1, int o1, float[] a2, int o2, double[] acc) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0;
        int vecEnd = n / L * L;
        for (int x = 0; x < vecEnd; x += L) {
            FloatVector gv = FloatVector.fromArray(S, g, gOff + x);
            s0 = gv.fma(FloatVector.fromArray(S, a0, o0 + x), s0);
            s1 = gv.fma(FloatVector.fromArray(S, a1, o1 + x), s1);
            s2 = gv.fma(FloatVector.fromArray(S, a2, o2 + x), s2);
        }
        float t0 = s0.reduceLanes(VectorOperators.ADD), t1 = s1.reduceLanes(VectorOperators.ADD), t2 = s2.reduceLanes(VectorOperators.ADD);
        for (int x = vecEnd; x < n; x++) {
            float gv = g[gOff + x];
            t0 += gv * a0[o0 + x];
            t1 += gv * a1[o1 + x];
            t2 += gv * a2[o2 + x];
        }
        acc[0] += t0;
        acc[1] += t1;
        acc[2] += t2;
    }

    /**
     * dx[y][x] += sum over taps of gp[y + 2 - ky][x + 2 - kx] * w[ky][kx] (the window flipped over the
     * padded gradient), one load and store of dx per vector.
     */
    private static void inputGradient(float[] gp, int wp, int h, int w, float[] wt, int wo, float[] dx, int xo) {
        FloatVector w0 = FloatVector.broadcast(S, wt[wo]), w1 = FloatVector.broadcast(S, wt[wo + 1]), w2 = FloatVector.broadcast(S, wt[wo + 2]),
                w3 = FloatVector.broadcast(S, wt[wo + 3]), w4 = FloatVector.broadcast(S, wt[wo + 4]), w5 = FloatVector.broadcast(S, wt[wo + 5]),
                w6 = FloatVector.broadcast(S, wt[wo + 6]), w7 = FloatVector.broadcast(S, wt[wo + 7]), w8 = FloatVector.broadcast(S, wt[wo + 8]);
        int last = w - L;
        for (int y = 0; y < h; y++) {
            int d = xo + y * w, r2 = y * wp, r1 = r2 + wp, r0 = r1 + wp; // r0: the gradient row that tap row 0 reads
            for (int xs = 0; xs < w; xs += L) {
                int x = Math.min(xs, last);
                if (x != xs) { // the last vector overlaps the previous one: add only its new columns
                    for (int i = xs; i < w; i++) dx[d + i] += tap(gp, wt, wo, r0, r1, r2, i);
                    break;
                }
                FloatVector acc = FloatVector.fromArray(S, dx, d + x);
                acc = FloatVector.fromArray(S, gp, r0 + x + 2).fma(w0, acc);
                acc = FloatVector.fromArray(S, gp, r0 + x + 1).fma(w1, acc);
                acc = FloatVector.fromArray(S, gp, r0 + x).fma(w2, acc);
                acc = FloatVector.fromArray(S, gp, r1 + x + 2).fma(w3, acc);
                acc = FloatVector.fromArray(S, gp, r1 + x + 1).fma(w4, acc);
                acc = FloatVector.fromArray(S, gp, r1 + x).fma(w5, acc);
                acc = FloatVector.fromArray(S, gp, r2 + x + 2).fma(w6, acc);
                acc = FloatVector.fromArray(S, gp, r2 + x + 1).fma(w7, acc);
                acc = FloatVector.fromArray(S, gp, r2 + x).fma(w8, acc);
                acc.intoArray(dx, d + x);
            }
        }
    }

    private static float tap(float[] gp, float[] wt, int wo, int r0, int r1, int r2, int x) {
        return gp[r0 + x + 2] * wt[wo] + gp[r0 + x + 1] * wt[wo + 1] + gp[r0 + x] * wt[wo + 2]
                + gp[r1 + x + 2] * wt[wo + 3] + gp[r1 + x + 1] * wt[wo + 4] + gp[r1 + x] * wt[wo + 5]
                + gp[r2 + x + 2] * wt[wo + 6] + gp[r2 + x + 1] * wt[wo + 7] + gp[r2 + x] * wt[wo + 8];
    }

    /** Per-thread even/odd column planes of a padded stride-2 input and of their gradients. */
    private static final ThreadLocal<float[][]> SPLIT = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0], new float[0], new float[0]});

    /**
     * 3x3 stride 2: the padded input (top padT, left padL, zeros beyond) is split into its even and odd
     * columns, so that tap kx of output column ox is column ox of the even plane (kx 0), of the odd
     * plane (kx 1) or column ox + 1 of the even plane (kx 2): contiguous loads again. The input
     * gradient gathers in the same two planes and is interleaved back.
     */
    private static void strideTwo(int c0, int c1, float[] x, int h, int w, float[] g, int oh, int ow, float[] wt, float[] dW,
                                  float[] dx, int padT, int padL) {
        int hp = 2 * oh + 2, cols = ow + 1, size = hp * cols + L;
        float[][] b = SPLIT.get();
        if (b[0].length < size) for (int i = 0; i < 4; i++) b[i] = new float[size];
        float[] ev = b[0], od = b[1], dev = b[2], dod = b[3];
        int plane = h * w, oplane = oh * ow;
        for (int c = c0; c < c1; c++) {
            int xo = c * plane, go = c * oplane, wo = c * 9;
            java.util.Arrays.fill(ev, 0, size, 0f);
            java.util.Arrays.fill(od, 0, size, 0f);
            int wUsed = Math.min(w, 2 * cols - padL); // input columns inside the padded planes
            for (int iy = 0; iy < h && iy + padT < hp; iy++) {
                int r = (iy + padT) * cols, src = xo + iy * w;
                // padded column px = ix + padL: even px -> ev[px / 2], odd -> od[px / 2]
                int ix = 0;
                if (padL == 1) {
                    od[r] = x[src];
                    ix = 1;
                }
                int j = (ix + padL) >> 1;
                for (; ix + 1 < wUsed; ix += 2, j++) {
                    ev[r + j] = x[src + ix];
                    od[r + j] = x[src + ix + 1];
                }
                if (ix < wUsed) ev[r + j] = x[src + ix];
            }
            if (dW != null) {
                for (int ky = 0; ky < 3; ky++) strideTwoTapRow(g, go, oh, ow, ev, od, cols, ky, dW, wo + ky * 3);
            }
            if (dx != null) {
                java.util.Arrays.fill(dev, 0, size, 0f);
                java.util.Arrays.fill(dod, 0, size, 0f);
                for (int ky = 0; ky < 3; ky++) strideTwoGradRow(g, go, oh, ow, dev, dod, cols, ky, wt[wo + ky * 3], wt[wo + ky * 3 + 1], wt[wo + ky * 3 + 2]);
                for (int iy = 0; iy < h && iy + padT < hp; iy++) {
                    int r = (iy + padT) * cols, dst = xo + iy * w;
                    int ix = 0;
                    if (padL == 1) {
                        dx[dst] += dod[r];
                        ix = 1;
                    }
                    int j = (ix + padL) >> 1;
                    for (; ix + 1 < wUsed; ix += 2, j++) {
                        dx[dst + ix] += dev[r + j];
                        dx[dst + ix + 1] += dod[r + j];
                    }
                    if (ix < wUsed) dx[dst + ix] += dev[r + j];
                }
            }
        }
    }

    private static void strideTwoTapRow(float[] g, int go, int oh, int ow, float[] ev, float[] od, int cols, int ky, float[] dW, int o) {
        double[] acc = new double[3];
        for (int oy = 0; oy < oh; oy++) {
            int r = (2 * oy + ky) * cols;
            rowDots(g, go + oy * ow, ow, ev, r, od, r, ev, r + 1, acc);
        }
        for (int i = 0; i < 3; i++) dW[o + i] += (float) acc[i];
    }

    /** Adds g * w[ky][kx] of tap row ky into the even/odd gradient planes (kx 2 lands one even column right). */
    private static void strideTwoGradRow(float[] g, int go, int oh, int ow, float[] dev, float[] dod, int cols, int ky,
                                         float w0, float w1, float w2) {
        int vecEnd = ow / L * L;
        for (int oy = 0; oy < oh; oy++) {
            int gr = go + oy * ow, r = (2 * oy + ky) * cols;
            FloatVector v0 = FloatVector.broadcast(S, w0), v1 = FloatVector.broadcast(S, w1);
            for (int ox = 0; ox < vecEnd; ox += L) {
                FloatVector gv = FloatVector.fromArray(S, g, gr + ox);
                gv.fma(v0, FloatVector.fromArray(S, dev, r + ox)).intoArray(dev, r + ox);
                gv.fma(v1, FloatVector.fromArray(S, dod, r + ox)).intoArray(dod, r + ox);
            }
            for (int ox = vecEnd; ox < ow; ox++) {
                dev[r + ox] += g[gr + ox] * w0;
                dod[r + ox] += g[gr + ox] * w1;
            }
            // kx 2 reads even column ox + 1: a separate pass, since it overlaps the kx 0 stores
            for (int ox = 0; ox < ow; ox++) dev[r + ox + 1] += g[gr + ox] * w2;
        }
    }
}
