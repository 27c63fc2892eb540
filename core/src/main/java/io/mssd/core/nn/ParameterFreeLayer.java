package io.mssd.core.nn;

/**
 * Base of the layers without parameters or multiply-adds: activations, softmax, transpose, slice,
 * reshape, pooling, concatenation, broadcast arithmetic.
 */
public abstract class ParameterFreeLayer implements Layer {
    private final String name;

    protected ParameterFreeLayer(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final long params() {
        return 0;
    }

    @Override
    public final long multAdds(io.mssd.core.tensor.Shape in) {
        return 0;
    }
}
