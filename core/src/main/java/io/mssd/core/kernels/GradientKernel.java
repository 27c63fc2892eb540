package io.mssd.core.kernels;

/** The element-wise and reduction steps of a backward pass. Writes only into its outputs; allocates nothing. */
public interface GradientKernel {

    /** g[i] = 0 where y[i] is at or beyond a clamp bound of the activation (lo < y < hi keeps g). */
    void mask(float lo, float hi, float[] y, float[] g, int n);

    /** sums[c] += sum of g[off + c * plane .. + plane) for c in [0, channels). */
    void channelSums(float[] g, int off, int channels, int plane, float[] sums);

    static GradientKernel fastest() {
        return VectorSupport.available() ? VectorKernels.gradient() : ScalarGradientKernel.INSTANCE;
    }
}
