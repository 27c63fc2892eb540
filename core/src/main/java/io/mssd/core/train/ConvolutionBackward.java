package io.mssd.core.train;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.GemmKernel;
import io.mssd.core.kernels.GradientKernel;
import io.mssd.core.nn.ConvSpec;
import io.mssd.core.nn.Im2col;

/**
 * Gradients of one convolution for one image: with g = dL/d(output) [Cout x P] (P output pixels)
 * and the unfolded input col [K x P] (K = Cin/groups * kh * kw), dW += g * col^T and
 * d(col) = W^T * g on the engine's GEMM kernel (the former on the transposed input), the latter
 * folded back onto the input (col2im). A 1x1/1 convolution needs no unfolding. Buffers come from the caller: nothing is
 * allocated per call.
 */
public final class ConvolutionBackward {
    private ConvolutionBackward() {}


    private static final GradientKernel KERNEL = GradientKernel.fastest();

    /** Scratch floats {@link #convolution} needs for this geometry. */
    public static long scratchFloats(ConvSpec spec, int h, int w, int oh, int ow) {
        if (spec.isDepthwise()) return 0;
        long k = (long) (spec.cin() / spec.groups()) * spec.kh() * spec.kw(), p = (long) oh * ow;
        // col [K x P], its transpose [P x K], a group's dW [Cout/g x K]
        return 2 * k * p + (long) (spec.cout() / spec.groups()) * k;
    }

    /**
     * Zeroes gradient entries where the activation was flat: y at (or beyond) its clamp bounds.
     * ReLU6's derivative at exactly 0 or 6 is taken as 0, as PyTorch's hardtanh does.
     */
    public static void activation(Activation act, float[] y, float[] g, int n) {
        if (act != Activation.NONE) KERNEL.mask(act.lo, act.hi, y, g, n);
    }

    /** Adds each channel's sum of g over its plane to dBias. */
    public static void bias(float[] g, int gOff, int channels, int plane, float[] dBias) {
        KERNEL.channelSums(g, gOff, channels, plane, dBias);
    }

    /**
     * A general or 1x1 convolution (groups allowed). x: the layer's input plane stack [Cin x h x w];
     * g: dL/d(output) [Cout x oh x ow] (after the activation's mask); wT: the weights transposed per
     * group, [g][K x Cout/g]; dW accumulates [Cout][Cin/g][kh][kw]; dx (null: not wanted) accumulates
     * [Cin x h x w]. zeros: at least {@link #zeroBiasFloats} zeros, the GEMMs' bias: the kernel's compiled form
     * is specialised on the forward pass, which always has a bias (a null one made it deoptimise).
     */
    public static void convolution(GemmKernel gemm, ConvSpec spec, float[] x, int h, int w, float[] g, int oh, int ow,
                                   float[] wT, float[] dW, float[] dx, float[] scratch, int padT, int padL, float[] zeros) {
        int groups = spec.groups(), cinG = spec.cin() / groups, coutG = spec.cout() / groups;
        int k = cinG * spec.kh() * spec.kw(), p = oh * ow;
        boolean unit = spec.kh() == 1 && spec.kw() == 1 && spec.stride() == 1 && padT == 0 && padL == 0;
        for (int gi = 0; gi < groups; gi++) {
            int xOff = gi * cinG * h * w, gOff = gi * coutG * p;
            float[] col;
            int cOff;
            if (unit) {
                col = x;
                cOff = xOff;
            } else {
                Im2col.fill(0, k, 0, p, x, xOff, h, w, spec.kh(), spec.kw(), spec.stride(), padT, padL, oh, ow, scratch);
                col = scratch;
                cOff = 0;
            }
            if (dW != null) {
                // dW += g * col^T on the GEMM kernel: its 6x2-vector tile beats dot products along P
                // (measured: a 2x4 dot-product tile reached 17-37 GFLOP/s, the GEMM 55-60)
                int colTOff = k * p, dwOff = 2 * k * p;
                transpose(col, cOff, k, p, scratch, colTOff);
                gemm.block(0, coutG, 0, k, k, p, g, gOff, scratch, colTOff, scratch, dwOff, zeros, 0, Activation.NONE);
                int wOff = gi * coutG * k;
                for (int i = 0; i < coutG * k; i++) dW[wOff + i] += scratch[dwOff + i];
            }
            if (dx != null) {
                // d(col) [K x P] = W^T [K x Cout/g] * g [Cout/g x P]
                gemm.block(0, k, 0, p, p, coutG, wT, gi * k * coutG, g, gOff, scratch, 0, zeros, 0, Activation.NONE);
                if (unit) {
                    for (int i = 0; i < k * p; i++) dx[xOff + i] += scratch[i];
                } else {
                    Im2col.addBack(scratch, 0, h, w, spec.kh(), spec.kw(), spec.stride(), padT, padL, oh, ow, k, dx, xOff);
                }
            }
        }
    }

    /** Zero-bias floats {@link #convolution} needs: the GEMMs' row counts, Cout/groups and K. */
    public static int zeroBiasFloats(ConvSpec spec) {
        return Math.max(spec.cout() / spec.groups(), spec.weightCount() / spec.cout());
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
}
