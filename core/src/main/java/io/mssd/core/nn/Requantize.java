package io.mssd.core.nn;

import io.mssd.core.kernels.ComputePool;
import io.mssd.core.kernels.RequantizeKernel;
import io.mssd.core.tensor.Tensor;

/**
 * The output stage of an 8-bit layer: q = clamp(round(acc * multiplier) + zeroPoint, lo, hi)
 * (ties to even as XNNPACK, or half away from zero as reference kernels: see {@link Rounding}), written as
 * (q - zeroPoint) * outScale. With outScale 1 the next layer receives exact integers (q - zero
 * point), so a float convolution over them accumulates the integer model's sums exactly.
 */
public final class Requantize extends ElementwiseLayer {
    /** How exact halves round (see {@link RequantizeKernel}). */
    public enum Rounding {
        /** XNNPACK's fp32 requantisation: TensorFlow Lite's interpreter on a CPU. */
        TIES_TO_EVEN,
        /** TFLite's reference kernels, Arm NN. */
        HALF_AWAY_FROM_ZERO
    }

    private final double multiplier;
    private final int zeroPoint, lo, hi;
    private final float outScale;
    private final Rounding rounding;
    private final RequantizeKernel kernel = RequantizeKernel.fastest();

    public Requantize(String name, double multiplier, int zeroPoint, int lo, int hi, float outScale) {
        this(name, multiplier, zeroPoint, lo, hi, outScale, Rounding.TIES_TO_EVEN);
    }

    public Requantize(String name, double multiplier, int zeroPoint, int lo, int hi, float outScale, Rounding rounding) {
        super(name);
        this.rounding = rounding;
        if (!(multiplier > 0)) throw new IllegalArgumentException("layer " + name + ": multiplier must be > 0, got " + multiplier);
        if (lo > hi) throw new IllegalArgumentException("layer " + name + ": empty range [" + lo + ", " + hi + "]");
        this.multiplier = multiplier;
        this.zeroPoint = zeroPoint;
        this.lo = lo;
        this.hi = hi;
        this.outScale = outScale;
    }

    @Override
    public String type() {
        return "requantize u8";
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        float[] x = in.data(), y = out.data();
        // float arithmetic keeps the loop cheap (and vectorisable); the product's rounding can only
        // matter for an accumulator within ~1e-7 of a half step
        float m = (float) multiplier, qlo = lo - zeroPoint, qhi = hi - zeroPoint, s = outScale;
        boolean halfAway = rounding == Rounding.HALF_AWAY_FROM_ZERO;
        ComputePool.RangeTask task = (from, to, worker) -> kernel.apply(x, y, from, to, m, qlo, qhi, s, halfAway);
        int n = in.size();
        return pool -> pool.parallelFor(n, 4096, task);
    }
}
