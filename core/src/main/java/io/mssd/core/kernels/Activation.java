package io.mssd.core.kernels;

/** Element-wise activations that kernels fuse into their stores. */
public enum Activation {
    NONE(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY),
    RELU(0f, Float.POSITIVE_INFINITY),
    RELU6(0f, 6f);

    /** Clamp bounds: every supported activation is a clamp. */
    public final float lo, hi;

    Activation(float lo, float hi) {
        this.lo = lo;
        this.hi = hi;
    }

    public float apply(float v) {
        return v < lo ? lo : (v > hi ? hi : v);
    }

    public void apply(float[] a, int from, int to) {
        if (this == NONE) return;
        for (int i = from; i < to; i++) {
            float v = a[i];
            a[i] = v < lo ? lo : (v > hi ? hi : v);
        }
    }
}
