package io.mssd.core.nn;

/**
 * How a convolution or pooling window treats the border.
 * SAME is TensorFlow's: output = ceil(in / stride), total padding max((out-1)*stride + k - in, 0)
 * with the odd pixel at the bottom/right. EXPLICIT is Caffe's: p pixels on each side,
 * output = floor((in + 2p - k) / stride) + 1. VALID is EXPLICIT with p = 0.
 */
public record Padding(Kind kind, int padH, int padW) {

    public enum Kind { SAME, EXPLICIT }

    public static final Padding SAME = new Padding(Kind.SAME, 0, 0);
    public static final Padding VALID = new Padding(Kind.EXPLICIT, 0, 0);

    public Padding {
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("padding must be >= 0, got " + padH + "," + padW);
    }

    public static Padding explicit(int padH, int padW) {
        return new Padding(Kind.EXPLICIT, padH, padW);
    }

    public int outSize(int in, int k, int stride, boolean height) {
        if (kind == Kind.SAME) return (in + stride - 1) / stride;
        int p = height ? padH : padW;
        int span = in + 2 * p - k;
        return span < 0 ? 0 : span / stride + 1;
    }

    /** Padding before the first row (height) or column (width). */
    public int before(int in, int k, int stride, boolean height) {
        if (kind == Kind.EXPLICIT) return height ? padH : padW;
        int out = (in + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + k - in, 0);
        return total / 2;
    }

    @Override
    public String toString() {
        return kind == Kind.SAME ? "same" : (padH == padW ? "pad" + padH : "pad" + padH + "x" + padW);
    }
}
