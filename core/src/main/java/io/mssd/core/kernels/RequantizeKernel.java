package io.mssd.core.kernels;

/**
 * The output stage of an 8-bit layer over elements [from, to): y = clamp(round(x * m), qlo, qhi) * s,
 * rounding half away from zero as integer inference engines requantise.
 */
public interface RequantizeKernel {

    void apply(float[] x, float[] y, int from, int to, float m, float qlo, float qhi, float s);

    static RequantizeKernel fastest() {
        return VectorSupport.available() ? VectorKernels.requantize() : ScalarRequantizeKernel.INSTANCE;
    }
}
