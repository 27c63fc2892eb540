package io.mssd.core.nn;

/** Unfolds convolution windows into GEMM rows: row (c, ky, kx) holds that tap for every output pixel. */
final class Im2col {
    private Im2col() {}

    /** Fills rows [r0, r1) of the patch matrix [cin*kh*kw x oh*ow]; out-of-image taps are zero. */
    static void rows(int r0, int r1, float[] in, int inOff, int h, int w, int kh, int kw, int stride,
                     int padT, int padL, int oh, int ow, float[] dst) {
        int plane = oh * ow;
        for (int r = r0; r < r1; r++) {
            int kx = r % kw, ky = (r / kw) % kh, c = r / (kw * kh);
            int src = inOff + c * h * w;
            int d = r * plane;
            for (int oy = 0; oy < oh; oy++) {
                int iy = oy * stride + ky - padT;
                int row = d + oy * ow;
                if (iy < 0 || iy >= h) {
                    java.util.Arrays.fill(dst, row, row + ow, 0f);
                    continue;
                }
                int srow = src + iy * w + kx - padL; // srow + ox * stride is the tap of output column ox
                // output columns whose tap lies inside the row: [lo, hi)
                int lo = Math.max(0, Math.floorDiv(padL - kx + stride - 1, stride));
                int hi = Math.min(ow, Math.floorDiv(w - 1 - kx + padL, stride) + 1);
                if (hi < lo) hi = lo;
                java.util.Arrays.fill(dst, row, row + lo, 0f);
                if (stride == 1) {
                    System.arraycopy(in, srow + lo, dst, row + lo, hi - lo);
                } else {
                    for (int ox = lo; ox < hi; ox++) dst[row + ox] = in[srow + ox * stride];
                }
                java.util.Arrays.fill(dst, row + hi, row + ow, 0f);
            }
        }
    }
}
