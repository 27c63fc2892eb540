package io.mssd.core.kernels;

/**
 * Portable GEMM in plain Java, the path used where the Vector API is absent (and the one the
 * tests check the vector kernel against). Each row of C is accumulated as saxpy over rows of B in
 * L1-sized column chunks; about 4 GFLOP/s here, 20x below the vector kernel.
 */
public final class ScalarGemmKernel implements GemmKernel {
    public static final ScalarGemmKernel INSTANCE = new ScalarGemmKernel();

    private ScalarGemmKernel() {}

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int rowGrain() {
        return 1;
    }

    /** Columns per pass: a chunk of a row of C stays in L1 while the rows of B stream by. */
    private static final int NC = 256;

    @Override
    public void block(int r0, int r1, int j0, int j1, int n, int k, float[] a, int aOff, float[] b, int bOff,
                      float[] c, int cOff, float[] bias, int biasOff, Activation act) {
        for (int jc = j0; jc < j1; jc += NC) {
            int je = Math.min(j1, jc + NC);
            for (int i = r0; i < r1; i++) {
                int ci = cOff + i * n;
                float bi = bias == null ? 0f : bias[biasOff + i];
                for (int j = jc; j < je; j++) c[ci + j] = bi;
                int ai = aOff + i * k;
                for (int p = 0; p < k; p++) {
                    float av = a[ai + p];
                    int bp = bOff + p * n;
                    for (int j = jc; j < je; j++) c[ci + j] += av * b[bp + j];
                }
                act.apply(c, ci + jc, ci + je);
            }
        }
    }
}
