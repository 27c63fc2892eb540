package io.mssd.core.train;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.GemmKernel;
import io.mssd.core.nn.ConvSpec;

/**
 * Gradients of one convolution for one image, on the engine's GEMM kernel: with g = dL/d(output)
 * [Cout x P] (P output pixels) and the unfolded input col [K x P] (K = Cin/groups * kh * kw),
 * dW += g * col^T and d(col) = W^T * g, folded back onto the input (col2im). A 1x1/1 convolution
 * needs no unfolding; a depthwise one runs direct loops. Buffers come from the caller: nothing is
 * allocated per call.
 */
public final class ConvolutionBackward {
    private ConvolutionBackward() {}

    /**
     * A zero bias for the GEMMs here: the kernel's JIT-compiled form is specialised on the forward
     * pass, which always has a bias; a null one would make it deoptimise and recompile repeatedly.
     */
    private static final float[] ZERO_BIAS = new float[1 << 16];

    /** Scratch floats {@link #convolution} needs for this geometry. */
    public static long scratchFloats(ConvSpec spec, int h, int w, int oh, int ow) {
        if (spec.isDepthwise()) return 0;
        long k = (long) (spec.cin() / spec.groups()) * spec.kh() * spec.kw(), p = (long) oh * ow;
        // col [K x P], its transpose [P x K], dW of a group [Cout/g x K]
        return 2 * k * p + (long) (spec.cout() / spec.groups()) * k;
    }

    /**
     * Zeroes gradient entries where the activation was flat: y at (or beyond) its clamp bounds.
     * ReLU6's derivative at exactly 0 or 6 is taken as 0, as PyTorch's hardtanh does.
     */
    public static void activation(Activation act, float[] y, float[] g, int n) {
        if (act == Activation.NONE) return;
        float lo = act.lo, hi = act.hi;
        for (int i = 0; i < n; i++) {
            float v = y[i];
            if (!(v > lo && v < hi)) g[i] = 0;
        }
    }

    /** Adds each channel's sum of g over its plane to dBias. */
    public static void bias(float[] g, int gOff, int channels, int plane, float[] dBias) {
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int i = gOff + c * plane, e = i + plane; i < e; i++) s += g[i];
            dBias[c] += (float) s;
        }
    }

    /**
     * A general or 1x1 convolution (groups allowed). x: the layer's input plane stack [Cin x h x w];
     * g: dL/d(output) [Cout x oh x ow] (after the activation's mask); wT: the weights transposed per
     * group, [g][K x Cout/g]; dW accumulates [Cout][Cin/g][kh][kw]; dx (null: not wanted) accumulates
     * [Cin x h x w].
     */
    public static void convolution(GemmKernel gemm, ConvSpec spec, float[] x, int h, int w, float[] g, int oh, int ow,
                                   float[] wT, float[] dW, float[] dx, float[] scratch, int padT, int padL) {
        int groups = spec.groups(), cinG = spec.cin() / groups, coutG = spec.cout() / groups;
        int k = cinG * spec.kh() * spec.kw(), p = oh * ow;
        boolean unit = spec.kh() == 1 && spec.kw() == 1 && spec.stride() == 1 && padT == 0 && padL == 0;
        int colOff = 0, colTOff = k * p, dwOff = 2 * k * p;
        for (int gi = 0; gi < groups; gi++) {
            int xOff = gi * cinG * h * w, gOff = gi * coutG * p;
            float[] col;
            int cOff;
            if (unit) {
                col = x;
                cOff = xOff;
            } else {
                Unfold.im2col(x, xOff, h, w, spec.kh(), spec.kw(), spec.stride(), padT, padL, oh, ow, k, scratch, colOff);
                col = scratch;
                cOff = colOff;
            }
            if (dW != null) {
                transpose(col, cOff, k, p, scratch, colTOff);
                gemm.block(0, coutG, 0, k, k, p, g, gOff, scratch, colTOff, scratch, dwOff, ZERO_BIAS, 0, Activation.NONE);
                int wOff = gi * coutG * k;
                for (int i = 0; i < coutG * k; i++) dW[wOff + i] += scratch[dwOff + i];
            }
            if (dx != null) {
                // d(col) [K x P] = W^T [K x Cout/g] * g [Cout/g x P]
                gemm.block(0, k, 0, p, p, coutG, wT, gi * k * coutG, g, gOff, scratch, colOff, ZERO_BIAS, 0, Activation.NONE);
                if (unit) {
                    for (int i = 0; i < k * p; i++) dx[xOff + i] += scratch[colOff + i];
                } else {
                    Unfold.col2im(scratch, colOff, h, w, spec.kh(), spec.kw(), spec.stride(), padT, padL, oh, ow, k, dx, xOff);
                }
            }
        }
    }

    /** dst[j][i] = src[i][j] for a rows x cols block (cache-blocked). */
    public static void transpose(float[] src, int sOff, int rows, int cols, float[] dst, int dOff) {
        final int b = 32;
        for (int i0 = 0; i0 < rows; i0 += b) {
            int i1 = Math.min(rows, i0 + b);
            for (int j0 = 0; j0 < cols; j0 += b) {
                int j1 = Math.min(cols, j0 + b);
                for (int i = i0; i < i1; i++) {
                    int s = sOff + i * cols;
                    for (int j = j0; j < j1; j++) dst[dOff + j * rows + i] = src[s + j];
                }
            }
        }
    }

    /**
     * A depthwise convolution over channels [c0, c1): dW [C][kh][kw] and dx [C x h x w] (null: not
     * wanted) accumulate.
     */
    public static void depthwise(int c0, int c1, int kh, int kw, int stride, float[] x, int h, int w, float[] g,
                                 int oh, int ow, float[] weights, float[] dW, float[] dx, int padT, int padL) {
        int plane = h * w, oplane = oh * ow;
        for (int c = c0; c < c1; c++) {
            int xo = c * plane, go = c * oplane, wo = c * kh * kw;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    // output columns whose tap lies inside the input: [lo, hi)
                    int lo = Math.max(0, Math.floorDiv(padL - kx + stride - 1, stride));
                    int hi = Math.min(ow, Math.floorDiv(w - 1 - kx + padL, stride) + 1);
                    if (lo >= hi) continue;
                    float wv = weights[wo + ky * kw + kx];
                    double acc = 0;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * stride + ky - padT;
                        if (iy < 0 || iy >= h) continue;
                        int grow = go + oy * ow, xrow = xo + iy * w + kx - padL;
                        float s = 0;
                        if (stride == 1) {
                            for (int ox = lo; ox < hi; ox++) s += g[grow + ox] * x[xrow + ox];
                            if (dx != null) for (int ox = lo; ox < hi; ox++) dx[xrow + ox] += g[grow + ox] * wv;
                        } else {
                            for (int ox = lo; ox < hi; ox++) s += g[grow + ox] * x[xrow + ox * stride];
                            if (dx != null) for (int ox = lo; ox < hi; ox++) dx[xrow + ox * stride] += g[grow + ox] * wv;
                        }
                        acc += s;
                    }
                    if (dW != null) dW[wo + ky * kw + kx] += (float) acc;
                }
            }
        }
    }
}
