package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.kernels.VectorGemmKernel;
import io.mssd.core.kernels.VectorSupport;

/**
 * A convolution's product out[cout][pixels] = act(bias + W[cout][k] X[k][pixels]) on a small map (SSD's 5x5 and
 * 3x3 maps), computed transposed: the few pixels are the GEMM's rows and the output channels its columns, on W^T
 * packed once into the GEMM's strips. The usual orientation copies all the weights into the GEMM's row blocks on
 * every call for a few dozen columns of work, most of one 2-vector strip wasted (25 pixels: 32 columns computed;
 * 9: 16); here the weights stream once from where they lie, and the pixel rows go in 6- and 4-row tiles. Each
 * output is still its bias and then one FMA per k in order (the bias is written into C first), so the bits are
 * those of the usual path; X is transposed in and C out, with the activation on the way out.
 */
final class SmallMapProduct {
    /** Maps of more pixels keep the usual orientation (10x10: the GEMM gained 10-15%, the transposes took it back). */
    static final int MAX_PIXELS = 64;
    /** Fewer output channels keep the usual orientation: transposing the input costs more than the product gains. */
    static final int MIN_OUTPUTS = 32;

    private final int cout, k, coutP;
    /** W^T [k][coutP], packed; made on the first bind, refreshed in place by {@link #weightsChanged}. */
    private float[] packed;

    SmallMapProduct(int cout, int k) {
        this.cout = cout;
        this.k = k;
        // without the Vector API this is never bound (fits() is false), and VectorGemmKernel must not load
        this.coutP = VectorSupport.available() ? VectorGemmKernel.paddedColumns(cout) : cout;
    }

    /**
     * True for maps this takes: from one vector of pixels (narrower ones are dot products in another order) to
     * {@link #MAX_PIXELS}, with the Vector API.
     */
    static boolean fits(int pixels) {
        return VectorSupport.available() && pixels >= VectorGemmKernel.stripWidth() / 2 && pixels <= MAX_PIXELS;
    }

    /** {@link #fits(int)}, and enough output channels. */
    static boolean fits(int pixels, int outputs) {
        return outputs >= MIN_OUTPUTS && fits(pixels);
    }

    /** Scratch floats, after the caller's own: X^T and C^T. */
    long scratchFloats(int pixels) {
        return (long) pixels * (k + coutP);
    }

    private synchronized float[] packed(float[] weights) {
        if (packed == null) {
            packed = new float[k * coutP];
            pack(weights);
        }
        return packed;
    }

    synchronized void weightsChanged(float[] weights) {
        if (packed != null) pack(weights);
    }

    private void pack(float[] weights) {
        float[] t = new float[k * coutP];
        for (int o = 0; o < cout; o++) {
            for (int p = 0; p < k; p++) t[p * coutP + o] = weights[o * k + p];
        }
        VectorGemmKernel.packB(t, 0, k, coutP, packed, 0);
    }

    /**
     * The step for one image: X at x[xOff] ([k][pixels]), output at out[outOff] ([cout][pixels]); scratch from
     * {@code sOff} holds X^T then C^T.
     */
    Step bind(float[] weights, float[] bias, Activation act, float[] x, int xOff, int pixels, float[] out, int outOff,
              float[] scratch, int sOff) {
        float[] w = packed(weights);
        int xt = sOff, ct = sOff + pixels * k, strips = coutP / VectorGemmKernel.stripWidth();
        // X^T and C^T's bias rows, eight pixels at a time (eight reads from one line of X, eight write streams)
        ComputePool.RangeTask in = (b0, b1, worker) -> {
            for (int p0 = b0 * 8; p0 < Math.min(pixels, b1 * 8); p0 += 8) {
                int p1 = Math.min(pixels, p0 + 8);
                for (int q = 0; q < k; q++) {
                    for (int p = p0, src = xOff + q * pixels + p0; p < p1; p++, src++) scratch[xt + p * k + q] = x[src];
                }
                for (int p = p0; p < p1; p++) {
                    int row = ct + p * coutP;
                    for (int o = 0; o < cout; o++) scratch[row + o] = bias == null ? 0f : bias[o];
                    java.util.Arrays.fill(scratch, row + cout, row + coutP, 0f);
                }
            }
        };
        ComputePool.RangeTask product = (s0, s1, worker) -> VectorGemmKernel.multiplyPackedB(pixels, coutP, k, scratch, xt, w,
                0, scratch, ct, s0 * VectorGemmKernel.stripWidth(), s1 * VectorGemmKernel.stripWidth(), true);
        // C^T back to [cout][pixels], eight channels at a time
        ComputePool.RangeTask back = (c0, c1, worker) -> {
            for (int o0 = c0 * 8; o0 < Math.min(cout, c1 * 8); o0 += 8) {
                int o1 = Math.min(cout, o0 + 8);
                for (int p = 0; p < pixels; p++) {
                    for (int o = o0, src = ct + p * coutP + o0; o < o1; o++, src++) {
                        float v = scratch[src]; // the GEMM tiles' clamp (VectorClamp): -0.0 at a bound of 0 becomes 0
                        out[outOff + o * pixels + p] = v <= act.lo ? act.lo : (v >= act.hi ? act.hi : v);
                    }
                }
            }
        };
        int pixelBlocks = (pixels + 7) / 8, channelBlocks = (cout + 7) / 8;
        return pool -> {
            pool.parallelFor(pixelBlocks, 1, in);
            pool.parallelFor(strips, 1, product);
            pool.parallelFor(channelBlocks, 1, back);
        };
    }
}
