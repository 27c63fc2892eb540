package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.kernels.GemmKernel;
import io.mssd.core.kernels.GemmTask;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/**
 * General convolution (any kernel, stride, padding, groups) as im2col + GEMM per group:
 * the scratch buffer holds [(cin/groups)*kh*kw x OH*OW] patches of one group.
 */
public final class Conv2d extends Convolution {
    private final GemmKernel gemm;

    public Conv2d(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation) {
        this(name, spec, weights, bias, activation, GemmKernel.fastest());
    }

    public Conv2d(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation, GemmKernel gemm) {
        super(name, spec, weights, bias, activation);
        this.gemm = gemm;
    }

    @Override
    public long scratchFloats(Shape in) {
        Shape out = outputShape(in);
        return (long) (spec.cin() / spec.groups()) * spec.kh() * spec.kw() * out.plane();
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        Shape s = in.shape();
        Shape o = out.shape();
        int g = spec.groups();
        int cinG = spec.cin() / g, coutG = spec.cout() / g;
        int rows = cinG * spec.kh() * spec.kw();
        int padT = spec.padding().before(s.h(), spec.kh(), spec.stride(), true);
        int padL = spec.padding().before(s.w(), spec.kw(), spec.stride(), false);
        int n = s.n();
        ComputePool.RangeTask[] patches = new ComputePool.RangeTask[n * g];
        GemmTask[] products = new GemmTask[n * g];
        for (int b = 0; b < n; b++) {
            for (int gi = 0; gi < g; gi++) {
                int inOff = (b * spec.cin() + gi * cinG) * s.plane();
                patches[b * g + gi] = (r0, r1, w) -> Im2col.rows(r0, r1, in.data(), inOff, s.h(), s.w(),
                        spec.kh(), spec.kw(), spec.stride(), padT, padL, o.h(), o.w(), scratch);
                products[b * g + gi] = new GemmTask(gemm).bind(coutG, o.plane(), rows,
                        weights, gi * coutG * rows, scratch, 0,
                        out.data(), (b * spec.cout() + gi * coutG) * o.plane(), bias, gi * coutG, activation);
            }
        }
        return pool -> {
            for (int i = 0; i < patches.length; i++) {
                pool.parallelFor(rows, 1, patches[i]);
                products[i].execute(pool);
            }
        };
    }
}
