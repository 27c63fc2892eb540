package io.mssd.core.kernels;

/**
 * One bound GEMM call, reusable: bind the operands once (at workspace creation), execute every
 * forward pass without allocating. Wide products are split over columns, narrow ones over rows.
 */
public final class GemmTask {
    private final GemmKernel kernel;
    private final ComputePool.RangeTask byRows = this::rows;
    private final ComputePool.RangeTask byCols = this::cols;
    private int m, n, k, aOff, bOff, cOff, biasOff;
    private float[] a, packedA, b, c, bias;
    private Activation act;

    public GemmTask(GemmKernel kernel) {
        this.kernel = kernel;
    }

    public GemmTask bind(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                         float[] bias, int biasOff, Activation act) {
        return bind(m, n, k, a, aOff, null, b, bOff, c, cOff, bias, biasOff, act);
    }

    /** With A also as the kernel's {@link GemmKernel#packA} laid it out (or null). */
    public GemmTask bind(int m, int n, int k, float[] a, int aOff, float[] packedA, float[] b, int bOff, float[] c,
                         int cOff, float[] bias, int biasOff, Activation act) {
        this.packedA = packedA;
        this.m = m;
        this.n = n;
        this.k = k;
        this.a = a;
        this.aOff = aOff;
        this.b = b;
        this.bOff = bOff;
        this.c = c;
        this.cOff = cOff;
        this.bias = bias;
        this.biasOff = biasOff;
        this.act = act;
        return this;
    }

    public void execute(ComputePool pool) {
        if (pool.threads() > 1 && n >= 256 * pool.threads()) {
            pool.parallelFor(n, 64, byCols);
        } else {
            pool.parallelFor(m, kernel.rowGrain(), byRows);
        }
    }

    private void rows(int r0, int r1, int worker) {
        kernel.block(r0, r1, 0, n, n, k, a, aOff, packedA, b, bOff, c, cOff, bias, biasOff, act);
    }

    private void cols(int j0, int j1, int worker) {
        kernel.block(0, m, j0, j1, n, k, a, aOff, packedA, b, bOff, c, cOff, bias, biasOff, act);
    }
}
