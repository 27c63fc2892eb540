package io.mssd.core.train;

/**
 * One trainable tensor: its name as the source model file calls it, its shape (the engine's layout:
 * convolution weights [Cout][Cin/groups][kh][kw], biases [Cout]), the values (the very array the
 * network's layer computes with, so an update is seen by the next forward pass), the gradient of
 * the last step, and whether it is trained.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final float[] values;
    private final float[] grad;
    private boolean trainable = true;

    public Parameter(String name, int[] shape, float[] values) {
        long n = 1;
        for (int d : shape) n *= d;
        if (n != values.length) {
            throw new IllegalArgumentException("parameter " + name + ": shape " + java.util.Arrays.toString(shape) + " needs "
                    + n + " values, got " + values.length);
        }
        this.name = name;
        this.shape = shape.clone();
        this.values = values;
        this.grad = new float[values.length];
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return values.length;
    }

    public float[] values() {
        return values;
    }

    public float[] grad() {
        return grad;
    }

    public boolean trainable() {
        return trainable;
    }

    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
    }
}
