package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.kernels.GemmKernel;
import io.mssd.core.kernels.GemmTask;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/**
 * General convolution (any kernel, stride, padding, groups) as im2col + GEMM per group:
 * the scratch buffer holds [(cin/groups)*kh*kw x OH*OW] patches of one group. Large maps are
 * unfolded and multiplied a chunk of output pixels at a time, split over threads by chunk; maps of a few dozen
 * pixels multiply transposed ({@link SmallMapProduct}).
 */
public final class Conv2d extends Convolution {
    /** Output pixels unfolded and multiplied at a time on large maps: the patch chunk stays in L2. */
    private static final int CHUNK = 512;
    private final GemmKernel gemm;
    private final SmallMapProduct small;

    public Conv2d(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation) {
        this(name, spec, weights, bias, activation, GemmKernel.fastest());
    }

    public Conv2d(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation, GemmKernel gemm) {
        super(name, spec, weights, bias, activation);
        this.gemm = gemm;
        this.small = new SmallMapProduct(spec.cout(), spec.cin() * spec.kh() * spec.kw());
    }

    /** Small maps without groups: the product transposed, pixels as the GEMM's rows (see SmallMapProduct). */
    private boolean transposed(Shape out) {
        return spec.groups() == 1 && gemm == GemmKernel.fastest() && SmallMapProduct.fits(out.plane(), spec.cout());
    }

    @Override
    public long scratchFloats(Shape in) {
        Shape out = outputShape(in);
        long patches = (long) (spec.cin() / spec.groups()) * spec.kh() * spec.kw() * out.plane();
        return transposed(out) ? patches + small.scratchFloats(out.plane()) : patches;
    }

    @Override
    public void weightsChanged() {
        small.weightsChanged(weights);
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
        int n = s.n(), plane = o.plane();
        int chunks = (plane + CHUNK - 1) / CHUNK;
        ComputePool.RangeTask[] patches = new ComputePool.RangeTask[n * g];
        GemmTask[] products = new GemmTask[n * g];
        ComputePool.RangeTask[] fused = new ComputePool.RangeTask[n * g];
        for (int b = 0; b < n; b++) {
            for (int gi = 0; gi < g; gi++) {
                int inOff = (b * spec.cin() + gi * cinG) * s.plane(), aOff = gi * coutG * rows;
                int cOff = (b * spec.cout() + gi * coutG) * plane, biasOff = gi * coutG;
                patches[b * g + gi] = (r0, r1, w) -> Im2col.fill(r0, r1, 0, plane, in.data(), inOff, s.h(), s.w(),
                        spec.kh(), spec.kw(), spec.stride(), padT, padL, o.h(), o.w(), scratch);
                products[b * g + gi] = new GemmTask(gemm).bind(coutG, plane, rows, weights, aOff, scratch, 0,
                        out.data(), cOff, bias, biasOff, activation);
                // large maps: unfold a chunk of columns, multiply it while it is still in cache
                fused[b * g + gi] = (c0, c1, w) -> {
                    for (int ch = c0; ch < c1; ch++) {
                        int j0 = ch * CHUNK, j1 = Math.min(plane, j0 + CHUNK);
                        Im2col.fill(0, rows, j0, j1, in.data(), inOff, s.h(), s.w(), spec.kh(), spec.kw(), spec.stride(),
                                padT, padL, o.h(), o.w(), scratch);
                        gemm.block(0, coutG, j0, j1, plane, rows, weights, aOff, scratch, 0, out.data(), cOff, bias,
                                biasOff, activation);
                    }
                };
            }
        }
        if (transposed(o)) {
            Step[] steps = new Step[n];
            for (int b = 0; b < n; b++) {
                steps[b] = small.bind(weights, bias, activation, scratch, 0, plane, out.data(), b * spec.cout() * plane,
                        scratch, rows * plane);
            }
            return pool -> {
                for (int b = 0; b < n; b++) {
                    pool.parallelFor(rows, 1, patches[b]);
                    steps[b].execute(pool);
                }
            };
        }
        if (chunks >= 4) {
            return pool -> {
                for (ComputePool.RangeTask f : fused) pool.parallelFor(chunks, 1, f);
            };
        }
        return pool -> {
            for (int i = 0; i < patches.length; i++) {
                pool.parallelFor(rows, 1, patches[i]);
                products[i].execute(pool);
            }
        };
    }
}
