package io.mssd.core.train;

/**
 * im2col and its adjoint col2im for one image's plane stack: row (c, ky, kx) of the patch matrix
 * [K x oh*ow] holds that tap for every output pixel; out-of-image taps are zero (im2col) or
 * dropped (col2im).
 */
final class Unfold {
    private Unfold() {}

    static void im2col(float[] x, int xOff, int h, int w, int kh, int kw, int stride, int padT, int padL, int oh, int ow,
                       int rows, float[] col, int colOff) {
        int p = oh * ow;
        for (int r = 0; r < rows; r++) {
            int kx = r % kw, ky = (r / kw) % kh, c = r / (kw * kh);
            int src = xOff + c * h * w, dst = colOff + r * p;
            int lo = Math.max(0, Math.floorDiv(padL - kx + stride - 1, stride));
            int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 - kx + padL, stride) + 1));
            for (int oy = 0; oy < oh; oy++, dst += ow) {
                int iy = oy * stride + ky - padT;
                if (iy < 0 || iy >= h) {
                    java.util.Arrays.fill(col, dst, dst + ow, 0f);
                    continue;
                }
                int srow = src + iy * w + kx - padL;
                java.util.Arrays.fill(col, dst, dst + lo, 0f);
                for (int ox = lo; ox < hi; ox++) col[dst + ox] = x[srow + ox * stride];
                java.util.Arrays.fill(col, dst + hi, dst + ow, 0f);
            }
        }
    }

    static void col2im(float[] col, int colOff, int h, int w, int kh, int kw, int stride, int padT, int padL, int oh,
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
