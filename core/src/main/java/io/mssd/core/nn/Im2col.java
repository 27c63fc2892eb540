package io.mssd.core.nn;

/**
 * Unfolds convolution windows into GEMM rows: row (c, ky, kx) of the patch matrix [cin*kh*kw x oh*ow]
 * holds that tap for every output pixel (column oy*ow + ox); {@link #addBack} is its adjoint (col2im),
 * for the backward pass.
 */
public final class Im2col {
    private Im2col() {}

    /** Fills rows [r0, r1) x columns [j0, j1) of the patch matrix; out-of-image taps are zero. */
    public static void fill(int r0, int r1, int j0, int j1, float[] in, int inOff, int h, int w, int kh, int kw, int stride,
                     int padT, int padL, int oh, int ow, float[] dst) {
        int plane = oh * ow;
        for (int r = r0; r < r1; r++) {
            int kx = r % kw, ky = (r / kw) % kh, c = r / (kw * kh);
            int src = inOff + c * h * w;
            // output columns whose tap lies inside the input row: [lo, hi)
            int lo = Math.max(0, Math.floorDiv(padL - kx + stride - 1, stride));
            int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 - kx + padL, stride) + 1));
            for (int j = j0; j < j1; ) {
                int oy = j / ow, x0 = j - oy * ow, x1 = Math.min(ow, x0 + (j1 - j)); // this output row's part
                int row = r * plane + oy * ow;
                int iy = oy * stride + ky - padT;
                j += x1 - x0;
                if (iy < 0 || iy >= h) {
                    java.util.Arrays.fill(dst, row + x0, row + x1, 0f);
                    continue;
                }
                int srow = src + iy * w + kx - padL; // srow + ox * stride is the tap of output column ox
                int a = Math.max(x0, Math.min(lo, x1)), b = Math.max(a, Math.min(hi, x1));
                java.util.Arrays.fill(dst, row + x0, row + a, 0f);
                if (stride == 1) {
                    System.arraycopy(in, srow + a, dst, row + a, b - a);
                } else {
                    for (int ox = a; ox < b; ox++) dst[row + ox] = in[srow + ox * stride];
                }
                java.util.Arrays.fill(dst, row + b, row + x1, 0f);
            }
        }
    }

    /**
     * The adjoint of {@link #fill} for a whole patch matrix: adds each row's values back onto the input
     * taps it read (out-of-image taps dropped).
     */
    public static void addBack(float[] col, int colOff, int h, int w, int kh, int kw, int stride, int padT, int padL, int oh,
                       int ow, int rows, float[] dx, int dxOff) {
        int p = oh * ow;
        for (int r = 0; r < rows; r++) {
            int kx = r % kw, ky = (r / kw) % kh, c = r / (kw * kh);
            int dst = dxOff + c * h * w, src = colOff + r * p;
            int lo = Math.max(0, Math.floorDiv(padL - kx + stride - 1, stride));
            int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 - kx + padL, stride) + 1));
            for (int oy = 0; oy < oh; oy++, src += ow) {
                int iy = oy * stride + ky - padT;
                if (iy < 0 || iy >= h) continue;
                int drow = dst + iy * w + kx - padL;
                for (int ox = lo; ox < hi; ox++) dx[drow + ox * stride] += col[src + ox];
            }
        }
    }
}
