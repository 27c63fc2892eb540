package io.mssd.core.io;

import java.util.Arrays;

/** One named parameter array read from a model file, dequantised to float32, with its stored shape. */
public record WeightTensor(String name, int[] shape, float[] values) {

    public int size() {
        return values.length;
    }

    /** This tensor, or an error naming it, the file and both shapes if its shape is not {@code expected}. */
    public WeightTensor requireShape(String source, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new ModelFormatException(source, name, "has shape " + Arrays.toString(shape) + ", expected "
                    + Arrays.toString(expected));
        }
        return this;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
