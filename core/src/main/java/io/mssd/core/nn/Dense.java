package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** Fully connected layer on the flattened C*H*W input: out[n, o] = W[o, :] . in[n, :] + b[o]. */
public final class Dense implements Layer {
    private final String name;
    private final int inFeatures, outFeatures;
    private final float[] weights, bias;

    public Dense(String name, int inFeatures, int outFeatures, float[] weights, float[] bias) {
        this.name = name;
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        if (weights.length != (long) inFeatures * outFeatures) {
            throw new IllegalArgumentException("layer " + name + ": weights have " + weights.length + " values, expected "
                    + outFeatures + "x" + inFeatures);
        }
        if (bias.length != outFeatures) {
            throw new IllegalArgumentException("layer " + name + ": bias has " + bias.length + " values, expected " + outFeatures);
        }
        this.weights = weights;
        this.bias = bias;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "dense";
    }

    @Override
    public Shape outputShape(Shape in) {
        if ((long) in.c() * in.h() * in.w() != inFeatures) throw Layer.shapeError(this, inFeatures + " features", in);
        return Shape.of(in.n(), outFeatures, 1, 1);
    }

    @Override
    public long params() {
        return (long) inFeatures * outFeatures + outFeatures;
    }

    @Override
    public long multAdds(Shape in) {
        return (long) in.n() * inFeatures * outFeatures;
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        int n = in.shape().n();
        io.mssd.core.kernels.ComputePool.RangeTask task = (from, to, worker) -> {
            float[] x = in.data(), y = out.data();
            for (int r = from; r < to; r++) {
                int b = r / outFeatures, o = r % outFeatures;
                int wo = o * inFeatures, xo = b * inFeatures;
                double s = bias[o];
                for (int i = 0; i < inFeatures; i++) s += weights[wo + i] * x[xo + i];
                y[r] = (float) s;
            }
        };
        return pool -> pool.parallelFor(n * outFeatures, 16, task);
    }
}
