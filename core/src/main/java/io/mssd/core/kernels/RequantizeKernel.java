package io.mssd.core.kernels;

/**
 * The output stage of an 8-bit layer over elements [from, to): y = clamp(round(x * m), qlo, qhi) * s,
 * in float arithmetic. Rounding to nearest with ties to even is XNNPACK's "fp32" requantisation, what
 * TensorFlow Lite's interpreter runs on a CPU; half away from zero is how TFLite's reference kernels and
 * Arm NN round. The two differ only on exact halves, but a different step early in a network moves
 * boxes and scores at its end.
 */
public interface RequantizeKernel {

    void apply(float[] x, float[] y, int from, int to, float m, float qlo, float qhi, float s, boolean halfAwayFromZero);

    static RequantizeKernel fastest() {
        return VectorSupport.available() ? VectorKernels.requantize() : ScalarRequantizeKernel.INSTANCE;
    }
}
