package io.mssd.core.kernels;

/**
 * C[m x n] = act(A[m x k] * B[k x n] + bias[m]), all row-major with leading dimensions k, n, n.
 * This is a 1x1 convolution in NCHW: A = weights [Cout x Cin], B = input [Cin x HW].
 * Implementations write only into {@code c} and allocate nothing.
 */
public interface GemmKernel {

    /** Computes the sub-block rows [r0, r1) x columns [j0, j1) of C. */
    void block(int r0, int r1, int j0, int j1, int n, int k,
               float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
               float[] bias, int biasOff, Activation act);

    /**
     * {@code a} [m x k] laid out for {@link #block(int, int, int, int, int, int, float[], int, float[], float[], int,
     * float[], int, float[], int, Activation)}, or null where the kernel has no use for it (it then reads A as it
     * lies). For constant operands: a layer's weights, packed once instead of on every call.
     */
    default float[] packA(int m, int k, float[] a, int aOff) {
        return null;
    }

    /** {@link #packA(int, int, float[], int)} again into the array it returned, after {@code a} changed. */
    default void packA(int m, int k, float[] a, int aOff, float[] packed) {
        if (packed != null) throw new IllegalStateException(name() + " kernel packs no A");
    }

    /**
     * {@link #block(int, int, int, int, int, int, float[], int, float[], int, float[], int, float[], int, Activation)}
     * with A also given as {@link #packA} laid it out ({@code packedA}, or null): the same bits either way.
     */
    default void block(int r0, int r1, int j0, int j1, int n, int k, float[] a, int aOff, float[] packedA, float[] b,
                       int bOff, float[] c, int cOff, float[] bias, int biasOff, Activation act) {
        block(r0, r1, j0, j1, n, k, a, aOff, b, bOff, c, cOff, bias, biasOff, act);
    }

    String name();

    /** Row multiple that the kernel's register blocking prefers when rows are split over threads. */
    default int rowGrain() {
        return 8;
    }

    /** Whole product, split over the pool (allocates a task; for one-off calls and benchmarks). */
    default void multiply(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                          float[] bias, int biasOff, Activation act, ComputePool pool) {
        new GemmTask(this).bind(m, n, k, a, aOff, b, bOff, c, cOff, bias, biasOff, act).execute(pool);
    }

    /** The fastest kernel this JVM can run: the Vector API one when jdk.incubator.vector is present. */
    static GemmKernel fastest() {
        return VectorSupport.available() ? VectorKernels.gemm() : ScalarGemmKernel.INSTANCE;
    }
}
