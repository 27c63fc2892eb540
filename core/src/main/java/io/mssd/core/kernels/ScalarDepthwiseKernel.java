package io.mssd.core.kernels;

/** Portable depthwise convolution: bounds checks only on the border columns and rows. */
public final class ScalarDepthwiseKernel implements DepthwiseKernel {
    public static final ScalarDepthwiseKernel INSTANCE = new ScalarDepthwiseKernel();

    private ScalarDepthwiseKernel() {}

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void channels(int c0, int c1, float[] in, int inOff, int h, int w, float[] weights, float[] bias,
                         int kh, int kw, int stride, int padT, int padL, float[] out, int outOff, int oh, int ow,
                         Activation act) {
        for (int ch = c0; ch < c1; ch++) {
            for (int oy = 0; oy < oh; oy++) {
                row(ch, oy, 0, ow, in, inOff, h, w, weights, bias, kh, kw, stride, padT, padL, out, outOff, oh, ow, act);
            }
        }
    }

    /** First output column whose whole filter window lies inside the input row. */
    static int interiorFrom(int stride, int padL) {
        return (padL + stride - 1) / stride;
    }

    /** One past the last output column whose whole filter window lies inside the input row. */
    static int interiorTo(int w, int kw, int stride, int padL, int ow) {
        int last = w - kw + padL; // ox * stride <= last
        if (last < 0) return 0;
        return Math.min(ow, last / stride + 1);
    }

    /** Output columns [x0, x1) of row oy of channel ch, with bounds checks where needed. */
    static void row(int ch, int oy, int x0, int x1, float[] in, int inOff, int h, int w, float[] weights,
                    float[] bias, int kh, int kw, int stride, int padT, int padL, float[] out, int outOff,
                    int oh, int ow, Activation act) {
        int plane = inOff + ch * h * w;
        int wOff = ch * kh * kw;
        int iy0 = oy * stride - padT;
        int kyLo = Math.max(0, -iy0), kyHi = Math.min(kh, h - iy0);
        int ix0Lo = interiorFrom(stride, padL), ix0Hi = interiorTo(w, kw, stride, padL, ow);
        float b = bias == null ? 0f : bias[ch];
        int o = outOff + (ch * oh + oy) * ow;
        for (int ox = x0; ox < x1; ox++) {
            int ix0 = ox * stride - padL;
            float s = b;
            if (ox >= ix0Lo && ox < ix0Hi) {
                for (int ky = kyLo; ky < kyHi; ky++) {
                    int r = plane + (iy0 + ky) * w + ix0;
                    int wr = wOff + ky * kw;
                    for (int kx = 0; kx < kw; kx++) s += weights[wr + kx] * in[r + kx];
                }
            } else {
                int kxLo = Math.max(0, -ix0), kxHi = Math.min(kw, w - ix0);
                for (int ky = kyLo; ky < kyHi; ky++) {
                    int r = plane + (iy0 + ky) * w + ix0;
                    int wr = wOff + ky * kw;
                    for (int kx = kxLo; kx < kxHi; kx++) s += weights[wr + kx] * in[r + kx];
                }
            }
            out[o + ox] = act.apply(s);
        }
    }
}
