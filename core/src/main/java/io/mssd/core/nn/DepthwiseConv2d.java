package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.kernels.DepthwiseKernel;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** Depthwise convolution (groups = channels): one filter per channel, channels split over threads. */
public final class DepthwiseConv2d extends Convolution {
    private final DepthwiseKernel kernel;

    public DepthwiseConv2d(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation) {
        this(name, spec, weights, bias, activation, DepthwiseKernel.fastest());
    }

    public DepthwiseConv2d(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation,
                           DepthwiseKernel kernel) {
        super(name, spec, weights, bias, activation);
        if (!spec.isDepthwise()) throw new IllegalArgumentException("layer " + name + ": not a depthwise convolution");
        this.kernel = kernel;
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        Shape s = in.shape();
        Shape o = out.shape();
        int padT = spec.padding().before(s.h(), spec.kh(), spec.stride(), true);
        int padL = spec.padding().before(s.w(), spec.kw(), spec.stride(), false);
        int c = spec.cin();
        ComputePool.RangeTask[] tasks = new ComputePool.RangeTask[s.n()];
        for (int b = 0; b < s.n(); b++) {
            int inOff = b * c * s.plane(), outOff = b * c * o.plane();
            tasks[b] = (c0, c1, w) -> kernel.channels(c0, c1, in.data(), inOff, s.h(), s.w(), weights, bias,
                    spec.kh(), spec.kw(), spec.stride(), padT, padL, out.data(), outOff, o.h(), o.w(), activation);
        }
        return pool -> {
            for (ComputePool.RangeTask t : tasks) pool.parallelFor(c, 4, t);
        };
    }
}
