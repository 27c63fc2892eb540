package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** Emits a fixed tensor whatever it reads (the constant part of a concatenation with computed parts). */
public final class ConstantLayer extends ParameterFreeLayer {
    private final Tensor value;

    public ConstantLayer(String name, Tensor value) {
        super(name);
        this.value = value;
    }

    @Override
    public String type() {
        return "constant";
    }

    @Override
    public Shape outputShape(Shape in) {
        return value.shape();
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        return pool -> System.arraycopy(value.data(), 0, out.data(), 0, value.size());
    }
}
