package io.mssd.core.kernels;

/**
 * The vertical step of OpenCV's 8-bit INTER_LINEAR resize (VResizeLinearVec_32s8u), written straight
 * as normalised network input: for two horizontally resized rows a and b (values scaled by 2^11, as
 * the horizontal step leaves them) and vertical weights w0 + w1 = 2^11,
 * v = (((w0 * (a >> 4)) >> 16) + ((w1 * (b >> 4)) >> 16) + 2) >> 2, the resized byte (0..255), and
 * dst = ((float) v - mean) * scale, in float arithmetic.
 */
public interface ResizeBlendKernel {

    /** dst[dOff + i] for i in [0, n), from a[off + i] and b[off + i]. */
    void blend(int[] a, int[] b, int off, int n, int w0, int w1, float mean, float scale, float[] dst, int dOff);

    /** The resized byte of one element (also the tail of the vector kernel). */
    static int value(int a, int b, int w0, int w1) {
        // needs no clamp: a, b <= 255 * 2048 and w0 + w1 = 2048 keep it within 0..255
        return (((w0 * (a >> 4)) >> 16) + ((w1 * (b >> 4)) >> 16) + 2) >> 2;
    }

    static ResizeBlendKernel fastest() {
        return VectorSupport.available() ? VectorKernels.resizeBlend() : ScalarResizeBlendKernel.INSTANCE;
    }
}
