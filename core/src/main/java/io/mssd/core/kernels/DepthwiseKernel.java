package io.mssd.core.kernels;

/**
 * Depthwise convolution over channels [c0, c1): each channel convolved with its own kh x kw
 * filter, plus bias, then the activation. Input plane H x W, output plane OH x OW; padT/padL are
 * the top/left padding (bottom/right padding is implied by the output size). Weights are [C][kh][kw].
 */
public interface DepthwiseKernel {

    void channels(int c0, int c1, float[] in, int inOff, int h, int w,
                  float[] weights, float[] bias, int kh, int kw, int stride, int padT, int padL,
                  float[] out, int outOff, int oh, int ow, Activation act);

    String name();

    static DepthwiseKernel fastest() {
        return VectorSupport.available() ? VectorKernels.depthwise() : ScalarDepthwiseKernel.INSTANCE;
    }
}
