package io.mssd.core.kernels;

/**
 * dst[d + x] = src[s + 2x] for x in [0, n): the taps of a stride-2 window along a row (im2col rows of stride-2
 * convolutions, stride-2 depthwise outputs picked from stride-1 ones). Vector permutes where the Vector API is
 * present, a plain loop otherwise.
 */
public final class EvenColumns {
    private static final boolean VECTOR = VectorSupport.available();

    private EvenColumns() {}

    public static void copy(float[] src, int s, float[] dst, int d, int n) {
        if (VECTOR) {
            VectorEvenColumns.copy(src, s, dst, d, n);
        } else {
            scalar(src, s, dst, d, n);
        }
    }

    static void scalar(float[] src, int s, float[] dst, int d, int n) {
        for (int x = 0; x < n; x++) dst[d + x] = src[s + 2 * x];
    }
}
