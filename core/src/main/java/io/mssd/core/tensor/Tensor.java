package io.mssd.core.tensor;

/**
 * A float32 NCHW tensor: a shape and a flat array in row-major NCHW order.
 * The array is exposed on purpose: kernels read and write it directly.
 */
public final class Tensor {
    private final Shape shape;
    private final float[] data;

    public Tensor(Shape shape) {
        this(shape, new float[shape.size()]);
    }

    /** {@code data} may be longer than the shape needs (a reused buffer); only the first size() values belong to the tensor. */
    public Tensor(Shape shape, float[] data) {
        if (data.length < shape.size()) {
            throw new IllegalArgumentException(
                    "tensor data has " + data.length + " values but shape " + shape + " needs " + shape.size());
        }
        this.shape = shape;
        this.data = data;
    }

    public static Tensor of(int n, int c, int h, int w) {
        return new Tensor(Shape.of(n, c, h, w));
    }

    public Shape shape() {
        return shape;
    }

    public float[] data() {
        return data;
    }

    /** Number of values: shape().size(), which may be less than data().length. */
    public int size() {
        return shape.size();
    }

    public float get(int n, int c, int y, int x) {
        return data[((n * shape.c() + c) * shape.h() + y) * shape.w() + x];
    }

    public void set(int n, int c, int y, int x, float v) {
        data[((n * shape.c() + c) * shape.h() + y) * shape.w() + x] = v;
    }

    /** Throws an error naming {@code what} if this tensor's shape is not {@code expected}. */
    public Tensor requireShape(Shape expected, String what) {
        if (!shape.equals(expected)) {
            throw new IllegalArgumentException(what + ": expected shape " + expected + " but got " + shape);
        }
        return this;
    }

    public Tensor copy() {
        return new Tensor(shape, java.util.Arrays.copyOf(data, shape.size()));
    }

    @Override
    public String toString() {
        return "Tensor" + shape;
    }
}
