package io.mssd.core.kernels;

/**
 * Gradients of a depthwise convolution over channels [c0, c1) for one image: with g = dL/d(output)
 * [C x oh x ow] (after the activation's mask) and the layer's input x [C x h x w], adds
 * dW[c][ky][kx] += sum g * x (if dW != null) and dx += g * w (if dx != null). Allocates nothing.
 */
public interface DepthwiseBackwardKernel {

    void channels(int c0, int c1, int kh, int kw, int stride, float[] x, int h, int w, float[] g, int oh, int ow,
                  float[] weights, float[] dW, float[] dx, int padT, int padL);

    static DepthwiseBackwardKernel fastest() {
        return VectorSupport.available() ? VectorKernels.depthwiseBackward() : ScalarDepthwiseBackwardKernel.INSTANCE;
    }
}
