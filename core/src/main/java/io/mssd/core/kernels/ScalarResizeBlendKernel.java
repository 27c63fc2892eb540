package io.mssd.core.kernels;

/** Portable vertical resize step; also the tail of the vector kernel. */
public final class ScalarResizeBlendKernel implements ResizeBlendKernel {
    public static final ScalarResizeBlendKernel INSTANCE = new ScalarResizeBlendKernel();

    private ScalarResizeBlendKernel() {}

    @Override
    public void blend(int[] a, int[] b, int off, int n, int w0, int w1, float mean, float scale, float[] dst, int dOff) {
        for (int i = 0; i < n; i++) dst[dOff + i] = ((float) ResizeBlendKernel.value(a[off + i], b[off + i], w0, w1) - mean) * scale;
    }
}
