package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;

/** Base of the parameter-free layers whose output has the input's shape (activations, softmax, requantisation). */
public abstract class ElementwiseLayer extends ParameterFreeLayer {

    protected ElementwiseLayer(String name) {
        super(name);
    }

    @Override
    public final Shape outputShape(Shape in) {
        return in;
    }
}
