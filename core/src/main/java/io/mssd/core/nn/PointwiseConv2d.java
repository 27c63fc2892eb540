package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.GemmKernel;
import io.mssd.core.kernels.GemmTask;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/**
 * 1x1 convolution, stride 1: per image, out[Cout x HW] = W[Cout x Cin] * in[Cin x HW] (one GEMM; on maps of a few
 * dozen pixels transposed, see {@link SmallMapProduct}).
 */
public final class PointwiseConv2d extends Convolution {
    private final GemmKernel gemm;
    private final SmallMapProduct small;
    /**
     * Maps of at most this many pixels (and more than the transposed product takes) read the weights packed once
     * ({@link GemmKernel#packA}) instead of having the GEMM copy them on every call: measured 0.88-0.95x on 10x10
     * maps (1024 x 1024 weights, 4 MB, for 100 pixels), no change on 19x19 and larger maps, which so keep a single
     * copy of their weights.
     */
    static final int PACKED_MAX_PIXELS = 256;
    /** The weights as the GEMM kernel reads them, made at the first bind to a small map (null: not yet, or none). */
    private float[] packedWeights;
    private boolean packed;

    public PointwiseConv2d(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation) {
        this(name, spec, weights, bias, activation, GemmKernel.fastest());
    }

    public PointwiseConv2d(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation,
                           GemmKernel gemm) {
        super(name, spec, weights, bias, activation);
        if (!spec.isPointwise()) throw new IllegalArgumentException("layer " + name + ": not a 1x1/1 convolution");
        this.gemm = gemm;
        this.small = new SmallMapProduct(spec.cout(), spec.cin());
    }

    private synchronized float[] packedWeights() {
        if (!packed) {
            packedWeights = gemm.packA(spec.cout(), spec.cin(), weights, 0);
            packed = true;
        }
        return packedWeights;
    }

    private boolean transposed(Shape in) {
        return gemm == GemmKernel.fastest() && SmallMapProduct.fits(in.plane(), spec.cout());
    }

    @Override
    public long scratchFloats(Shape in) {
        return transposed(in) ? small.scratchFloats(in.plane()) : 0;
    }

    @Override
    public void weightsChanged() {
        small.weightsChanged(weights);
        synchronized (this) {
            if (packedWeights != null) gemm.packA(spec.cout(), spec.cin(), weights, 0, packedWeights);
        }
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        Shape s = in.shape();
        int hw = s.plane();
        if (transposed(s)) { // small maps: pixels as the GEMM's rows (see SmallMapProduct)
            Step[] steps = new Step[s.n()];
            for (int b = 0; b < s.n(); b++) {
                steps[b] = small.bind(weights, bias, activation, in.data(), b * spec.cin() * hw, hw, out.data(),
                        b * spec.cout() * hw, scratch, 0);
            }
            return pool -> {
                for (Step st : steps) st.execute(pool);
            };
        }
        GemmTask[] tasks = new GemmTask[s.n()];
        // smaller maps take the transposed product (32+ output channels; it packs its own copy) or, with few output
        // channels and so small weights, the GEMM reading its weights in place as before
        float[] packedA = hw > SmallMapProduct.MAX_PIXELS && hw <= PACKED_MAX_PIXELS ? packedWeights() : null;
        for (int b = 0; b < s.n(); b++) {
            tasks[b] = new GemmTask(gemm).bind(spec.cout(), hw, spec.cin(), weights, 0, packedA,
                    in.data(), b * spec.cin() * hw, out.data(), b * spec.cout() * hw, bias, 0, activation);
        }
        return pool -> {
            for (GemmTask t : tasks) t.execute(pool);
        };
    }
}
