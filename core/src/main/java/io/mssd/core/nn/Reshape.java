package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** The same values in row-major order under another shape of the same size (Reshape, Flatten, Squeeze). */
public final class Reshape extends ParameterFreeLayer {
    private final Shape to;

    public Reshape(String name, Shape to) {
        super(name);
        this.to = to;
    }

    @Override
    public String type() {
        return "reshape";
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.size() != to.size()) throw Layer.shapeError(this, to.size() + " values (to become " + to + ")", in);
        return to;
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        return pool -> System.arraycopy(in.data(), 0, out.data(), 0, to.size());
    }
}
