package io.mssd.core.kernels;

/** Portable requantisation; also the tail of the vector kernel. */
public final class ScalarRequantizeKernel implements RequantizeKernel {
    public static final ScalarRequantizeKernel INSTANCE = new ScalarRequantizeKernel();

    private ScalarRequantizeKernel() {}

    @Override
    public void apply(float[] x, float[] y, int from, int to, float m, float qlo, float qhi, float s, boolean halfAwayFromZero) {
        for (int i = from; i < to; i++) {
            float v = x[i] * m;
            float r = halfAwayFromZero ? (int) (v + Math.copySign(0.5f, v)) : (float) Math.rint(v); // rint: ties to even
            y[i] = Math.max(qlo, Math.min(qhi, r)) * s;
        }
    }
}
