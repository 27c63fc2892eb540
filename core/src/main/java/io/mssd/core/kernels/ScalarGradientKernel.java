package io.mssd.core.kernels;

/** The portable gradient steps: plain loops (sums along k in double). */
public final class ScalarGradientKernel implements GradientKernel {
    public static final ScalarGradientKernel INSTANCE = new ScalarGradientKernel();

    private ScalarGradientKernel() {}

    @Override
    public void mask(float lo, float hi, float[] y, float[] g, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[i];
            if (!(v > lo && v < hi)) g[i] = 0;
        }
    }

    @Override
    public void channelSums(float[] g, int off, int channels, int plane, float[] sums) {
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int i = off + c * plane, e = i + plane; i < e; i++) s += g[i];
            sums[c] += (float) s;
        }
    }
}
