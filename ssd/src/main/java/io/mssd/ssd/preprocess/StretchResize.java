package io.mssd.ssd.preprocess;

import io.mssd.core.kernels.ResizeBlendKernel;
import io.mssd.core.tensor.Tensor;
import io.mssd.ssd.RgbImage;

/**
 * Resizes the whole image to the network input (aspect ratio not kept) with OpenCV's INTER_LINEAR
 * arithmetic for 8-bit images (half-pixel centers, 11-bit fixed-point weights, the rounding of its
 * SIMD path), so that it gives the bytes cv2.resize gives, then normalises: the Caffe and TFLite
 * MobileNet-SSDs were fed that way. The network input is written row by row by the vertical step
 * itself ({@link ResizeBlendKernel}: the resized byte, then the normalisation, in vectors).
 */
public final class StretchResize implements Preprocessor {
    private static final int COEF_BITS = 11, COEF_SCALE = 1 << COEF_BITS;
    private final Normalization norm;
    private final ResizeBlendKernel blend = ResizeBlendKernel.fastest();

    public Normalization normalization() {
        return norm;
    }

    public StretchResize(Normalization norm) {
        this.norm = norm;
    }

    /** Source index and fixed-point weight of the first neighbour, for each destination index. */
    static void coefficients(int src, int dst, int[] idx, int[] w0) {
        double scale = (double) src / dst;
        for (int d = 0; d < dst; d++) {
            float f = (float) ((d + 0.5) * scale - 0.5);
            int s = (int) Math.floor(f);
            f -= s;
            if (s < 0) {
                f = 0;
                s = 0;
            }
            if (s >= src - 1) {
                f = 0;
                s = src - 1;
            }
            idx[d] = s;
            w0[d] = Math.round((1f - f) * COEF_SCALE); // saturate_cast<short> rounds to nearest
        }
    }

    /**
     * Receives the resized image one row at a time, before its vertical step: the two horizontally
     * resized source rows (planar: channel c's values at c * width), each value scaled by 2^11, and the
     * weights of each (w0 + w1 = 2^11); {@link ResizeBlendKernel#value} gives the resized bytes.
     */
    private interface RowSink {
        void row(int y, int[] a, int[] b, int w0, int w1);
    }

    /** The resized 8-bit RGB image (w x h). */
    public static byte[] resize(RgbImage img, int outW, int outH) {
        byte[] out = new byte[outW * outH * 3];
        resize(img, outW, outH, (y, a, b, w0, w1) -> {
            for (int c = 0; c < 3; c++) {
                for (int x = 0, o = y * outW * 3 + c, i = c * outW; x < outW; x++, o += 3, i++) {
                    out[o] = (byte) ResizeBlendKernel.value(a[i], b[i], w0, w1);
                }
            }
        });
        return out;
    }

    private static void resize(RgbImage img, int outW, int outH, RowSink sink) {
        int sw = img.width(), sh = img.height();
        byte[] px = img.pixels();
        int[] xi = new int[outW], xw = new int[outW], yi = new int[outH], yw = new int[outH];
        coefficients(sw, outW, xi, xw);
        coefficients(sh, outH, yi, yw);
        int[] x0 = new int[outW], x1 = new int[outW];
        for (int x = 0; x < outW; x++) {
            x0[x] = xi[x] * 3;
            x1[x] = Math.min(sw - 1, xi[x] + 1) * 3;
        }
        // horizontally resized source rows, kept while the next output row still needs them
        int[] a = new int[outW * 3], b = new int[outW * 3];
        int ra = -1, rb = -1;
        for (int y = 0; y < outH; y++) {
            int r0 = yi[y], r1 = Math.min(sh - 1, r0 + 1);
            if (ra != r0) {
                if (rb == r0) {
                    int[] t = a;
                    a = b;
                    b = t;
                    ra = rb;
                    rb = -1;
                } else {
                    horizontal(px, r0 * sw * 3, x0, x1, xw, a);
                    ra = r0;
                }
            }
            if (rb != r1) {
                horizontal(px, r1 * sw * 3, x0, x1, xw, b);
                rb = r1;
            }
            sink.row(y, a, b, yw[y], COEF_SCALE - yw[y]);
        }
    }

    /**
     * dst[c * w + x] = a0 * src[x0 + c] + a1 * src[x1 + c], with x0, x1 the byte offsets of the two neighbours:
     * planar, so that the vertical step runs along contiguous values of one channel.
     */
    private static void horizontal(byte[] px, int base, int[] x0, int[] x1, int[] xw, int[] dst) {
        int w = xw.length;
        for (int x = 0; x < w; x++) {
            int s0 = base + x0[x], s1 = base + x1[x], a0 = xw[x], a1 = COEF_SCALE - a0;
            dst[x] = (px[s0] & 0xff) * a0 + (px[s1] & 0xff) * a1;
            dst[w + x] = (px[s0 + 1] & 0xff) * a0 + (px[s1 + 1] & 0xff) * a1;
            dst[2 * w + x] = (px[s0 + 2] & 0xff) * a0 + (px[s1 + 2] & 0xff) * a1;
        }
    }

    @Override
    public FrameMapping apply(RgbImage img, Tensor input) {
        int h = input.shape().h(), w = input.shape().w();
        float[] dst = input.data();
        int plane = w * h;
        // channel c of a pixel goes to plane (bgr ? 2 - c : c); an image of the input's size passes through
        // the same steps with unit weights, which give back its bytes
        resize(img, w, h, (y, a, b, w0, w1) -> {
            for (int c = 0; c < 3; c++) {
                int p = (norm.bgr() ? 2 - c : c) * plane;
                blend.blend(a, b, c * w, w, w0, w1, norm.mean(), norm.scale(), dst, p + y * w);
            }
        });
        return new FrameMapping(img.width(), img.height(), img.width(), img.height());
    }
}
