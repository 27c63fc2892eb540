package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** Element-wise logistic function 1 / (1 + exp(-x)). */
public final class Sigmoid implements Layer {
    private final String name;

    public Sigmoid(String name) {
        this.name = name;
    }

    public static float apply(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "sigmoid";
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public long params() {
        return 0;
    }

    @Override
    public long multAdds(Shape in) {
        return 0;
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        return pool -> {
            float[] x = in.data(), y = out.data();
            for (int i = 0; i < x.length; i++) y[i] = apply(x[i]);
        };
    }
}
