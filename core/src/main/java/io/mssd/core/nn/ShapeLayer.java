package io.mssd.core.nn;

/** Base of the parameter-free layers that move values without arithmetic (transpose, slice, reshape). */
public abstract class ShapeLayer implements Layer {
    private final String name;

    protected ShapeLayer(String name) {
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
