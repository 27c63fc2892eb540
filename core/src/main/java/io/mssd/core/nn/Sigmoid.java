package io.mssd.core.nn;

import io.mssd.core.tensor.Tensor;

/** Element-wise logistic function 1 / (1 + exp(-x)). */
public final class Sigmoid extends ElementwiseLayer {

    public Sigmoid(String name) {
        super(name);
    }

    public static float apply(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    @Override
    public String type() {
        return "sigmoid";
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        return pool -> {
            float[] x = in.data(), y = out.data();
            for (int i = 0, n = in.size(); i < n; i++) y[i] = apply(x[i]);
        };
    }
}
