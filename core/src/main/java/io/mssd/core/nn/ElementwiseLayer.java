package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;

/** Base of the parameter-free layers whose output has the input's shape (activations, softmax, requantisation). */
public abstract class ElementwiseLayer implements Layer {
    private final String name;

    protected ElementwiseLayer(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public final long params() {
        return 0;
    }

    @Override
    public final long multAdds(Shape in) {
        return 0;
    }
}
