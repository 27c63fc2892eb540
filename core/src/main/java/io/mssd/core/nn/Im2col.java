package io.mssd.core.nn;

import io.mssd.core.kernels.EvenColumns;

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
        // measured: 2-3x on 19x19..5x5 maps, 1.1-1.5x on 38x38, 5% slower on 75x75 (its row fixes outweigh the copies saved)
        if (stride == 1 && ow == w && w < 64 && j0 == 0 && j1 == plane) {
            wholeRowsStride1(r0, r1, in, inOff, h, w, kh, kw, padT, padL, oh, dst);
            return;
        }
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
                    // not when empty: a may then lie past the input's end, which arraycopy refuses even for nothing
                    if (b > a) System.arraycopy(in, srow + a, dst, row + a, b - a);
                } else if (stride == 2) {
                    EvenColumns.copy(in, srow + 2 * a, dst, row + a, b - a);
                } else {
                    for (int ox = a; ox < b; ox++) dst[row + ox] = in[srow + ox * stride];
                }
                java.util.Arrays.fill(dst, row + b, row + x1, 0f);
            }
        }
    }

    /**
     * Whole patch rows of a stride-1 convolution whose output is as wide as its input: tap (ky, kx) of all output
     * rows that read inside the image is one contiguous block of the input, shifted by kx - padL, so one copy
     * per patch row, then zeros over the columns the shift carried past a row's end and over the padding rows
     * (on small maps, 19x19 and 10x10, a copy per output row cost more than the copying).
     */
    private static void wholeRowsStride1(int r0, int r1, float[] in, int inOff, int h, int w, int kh, int kw, int padT,
                                         int padL, int oh, float[] dst) {
        int plane = oh * w;
        for (int r = r0; r < r1; r++) {
            int kx = r % kw, ky = (r / kw) % kh, c = r / (kw * kh);
            int d = kx - padL, row = r * plane;
            int lo = Math.max(0, Math.min(oh, padT - ky)), hi = Math.max(lo, Math.min(oh, h + padT - ky)); // rows inside
            java.util.Arrays.fill(dst, row, row + lo * w, 0f);
            java.util.Arrays.fill(dst, row + hi * w, row + plane, 0f);
            if (lo == hi) continue;
            int from = row + lo * w, to = row + hi * w, src = inOff + c * h * w + (lo + ky - padT) * w + d;
            // the first -d or the last d values may lie outside the array: padding either way, zeroed below
            int skipHead = src < 0 ? -src : 0, skipTail = Math.max(0, src + (to - from) - in.length);
            int n = to - from - skipHead - skipTail;
            if (n > 0) System.arraycopy(in, src + skipHead, dst, from + skipHead, n);
            for (int oy = lo; oy < hi; oy++) {
                int rowStart = row + oy * w;
                if (d < 0) java.util.Arrays.fill(dst, rowStart, rowStart + Math.min(w, -d), 0f);
                else if (d > 0) java.util.Arrays.fill(dst, rowStart + Math.max(0, w - d), rowStart + w, 0f);
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
