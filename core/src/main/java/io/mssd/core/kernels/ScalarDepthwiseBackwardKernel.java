package io.mssd.core.kernels;

/** The portable depthwise backward pass: plain loops, sums of a row in float, of rows in double. */
public final class ScalarDepthwiseBackwardKernel implements DepthwiseBackwardKernel {
    public static final ScalarDepthwiseBackwardKernel INSTANCE = new ScalarDepthwiseBackwardKernel();

    private ScalarDepthwiseBackwardKernel() {}

    @Override
    public void channels(int c0, int c1, int kh, int kw, int stride, float[] x, int h, int w, float[] g, int oh, int ow,
                         float[] weights, float[] dW, float[] dx, int padT, int padL) {
        int plane = h * w, oplane = oh * ow;
        for (int c = c0; c < c1; c++) {
            int xo = c * plane, go = c * oplane, wo = c * kh * kw;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    // output columns whose tap lies inside the input: [lo, hi)
                    int lo = Math.max(0, Math.floorDiv(padL - kx + stride - 1, stride));
                    int hi = Math.min(ow, Math.floorDiv(w - 1 - kx + padL, stride) + 1);
                    if (lo >= hi) continue;
                    float wv = weights[wo + ky * kw + kx];
                    double acc = 0;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * stride + ky - padT;
                        if (iy < 0 || iy >= h) continue;
                        int grow = go + oy * ow, xrow = xo + iy * w + kx - padL;
                        float s = 0;
                        for (int ox = lo; ox < hi; ox++) s += g[grow + ox] * x[xrow + ox * stride];
                        if (dx != null) for (int ox = lo; ox < hi; ox++) dx[xrow + ox * stride] += g[grow + ox] * wv;
                        acc += s;
                    }
                    if (dW != null) dW[wo + ky * kw + kx] += (float) acc;
                }
            }
        }
    }
}
