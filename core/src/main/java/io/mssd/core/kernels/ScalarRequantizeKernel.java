package io.mssd.core.kernels;

/** Portable requantisation; also the tail of the vector kernel. */
public final class ScalarRequantizeKernel implements RequantizeKernel {
    public static final ScalarRequantizeKernel INSTANCE = new ScalarRequantizeKernel();

    private ScalarRequantizeKernel() {}

    @Override
    public void apply(float[] x, float[] y, int from, int to, float m, float qlo, float qhi, float s, boolean halfAwayFromZero) {
        for (int i = from; i < to; i++) {
            float v = x[i] * m;
            // rint: ties to even; + 0f makes rint's -0.0 (for v in (-0.5, 0)) the +0.0 the vector kernel gives
            float r = halfAwayFromZero ? (int) (v + Math.copySign(0.5f, v)) : (float) Math.rint(v) + 0f;
            y[i] = Math.max(qlo, Math.min(qhi, r)) * s;
        }
    }
}
