package io.mssd.core.tensor;

import java.util.Arrays;

/** An immutable NCHW shape. Rank 4 throughout the engine; a vector is [1, C, 1, 1]. */
public record Shape(int n, int c, int h, int w) {

    public Shape {
        if (n <= 0 || c <= 0 || h <= 0 || w <= 0) {
            throw new IllegalArgumentException("shape dimensions must be positive, got " + format(n, c, h, w));
        }
    }

    public static Shape of(int n, int c, int h, int w) {
        return new Shape(n, c, h, w);
    }

    public int size() {
        return Math.multiplyExact(Math.multiplyExact(n, c), Math.multiplyExact(h, w));
    }

    public int plane() {
        return h * w;
    }

    public int[] toArray() {
        return new int[] {n, c, h, w};
    }

    private static String format(int... d) {
        return Arrays.toString(d);
    }

    @Override
    public String toString() {
        return n + "x" + c + "x" + h + "x" + w;
    }
}
