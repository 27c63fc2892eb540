package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** A layer that reads several tensors (a residual sum, a concatenation); the single-input methods read one. */
public interface MultiInputLayer extends Layer {

    /** Output shape for these inputs; throws an IllegalArgumentException naming the layer if they do not fit. */
    Shape outputShape(Shape[] in);

    Step bind(Tensor[] in, Tensor out, float[] scratch);

    @Override
    default Shape outputShape(Shape in) {
        return outputShape(new Shape[] {in});
    }

    @Override
    default Step bind(Tensor in, Tensor out, float[] scratch) {
        return bind(new Tensor[] {in}, out, scratch);
    }
}
