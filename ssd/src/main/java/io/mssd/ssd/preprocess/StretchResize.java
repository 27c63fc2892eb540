package io.mssd.ssd.preprocess;

import io.mssd.core.tensor.Tensor;
import io.mssd.ssd.RgbImage;

/**
 * Resizes the whole image to the network input (aspect ratio not kept) with OpenCV's INTER_LINEAR
 * arithmetic for 8-bit images (half-pixel centers, 11-bit fixed-point weights, the rounding of its
 * SIMD path), so that it gives the bytes cv2.resize gives, then normalises: the Caffe and TFLite
 * MobileNet-SSDs were fed that way. The network input is written row by row straight from the
 * resized bytes, through a 256-entry table of normalised values.
 */
public final class StretchResize implements Preprocessor {
    private static final int COEF_BITS = 11, COEF_SCALE = 1 << COEF_BITS;
    private final Normalization norm;
    private final float[] table = new float[256];

    public Normalization normalization() {
        return norm;
    }

    public StretchResize(Normalization norm) {
        this.norm = norm;
        for (int v = 0; v < 256; v++) table[v] = norm.apply(v);
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

    /** Receives the resized image one RGB row at a time. */
    private interface RowSink {
        void row(int y, byte[] rgb);
    }

    /** The resized 8-bit RGB image (w x h). */
    public static byte[] resize(RgbImage img, int outW, int outH) {
        byte[] out = new byte[outW * outH * 3];
        resize(img, outW, outH, (y, rgb) -> System.arraycopy(rgb, 0, out, y * rgb.length, rgb.length));
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
        byte[] out = new byte[outW * 3];
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
            int b0 = yw[y], b1 = COEF_SCALE - b0;
            for (int i = 0; i < out.length; i++) {
                // VResizeLinearVec_32s8u: (((b0 * (S0 >> 4)) >> 16) + ((b1 * (S1 >> 4)) >> 16) + 2) >> 2;
                // needs no clamp: S <= 255 * 2048 and b0 + b1 = 2048 keep it within 0..255
                out[i] = (byte) ((((b0 * (a[i] >> 4)) >> 16) + ((b1 * (b[i] >> 4)) >> 16) + 2) >> 2);
            }
            sink.row(y, out);
        }
    }

    /** dst[3x + c] = a0 * src[x0 + c] + a1 * src[x1 + c], with x0, x1 the byte offsets of the two neighbours. */
    private static void horizontal(byte[] px, int base, int[] x0, int[] x1, int[] xw, int[] dst) {
        for (int x = 0, d = 0; x < xw.length; x++, d += 3) {
            int s0 = base + x0[x], s1 = base + x1[x], a0 = xw[x], a1 = COEF_SCALE - a0;
            dst[d] = (px[s0] & 0xff) * a0 + (px[s1] & 0xff) * a1;
            dst[d + 1] = (px[s0 + 1] & 0xff) * a0 + (px[s1 + 1] & 0xff) * a1;
            dst[d + 2] = (px[s0 + 2] & 0xff) * a0 + (px[s1 + 2] & 0xff) * a1;
        }
    }

    @Override
    public FrameMapping apply(RgbImage img, Tensor input) {
        int h = input.shape().h(), w = input.shape().w();
        float[] dst = input.data();
        int plane = w * h;
        // channel c of a pixel goes to plane (bgr ? 2 - c : c)
        int p0 = norm.bgr() ? 2 * plane : 0, p2 = norm.bgr() ? 0 : 2 * plane;
        RowSink sink = (y, rgb) -> {
            for (int x = 0, o = y * w, i = 0; x < w; x++, o++, i += 3) {
                dst[p0 + o] = table[rgb[i] & 0xff];
                dst[plane + o] = table[rgb[i + 1] & 0xff];
                dst[p2 + o] = table[rgb[i + 2] & 0xff];
            }
        };
        if (img.width() == w && img.height() == h) {
            byte[] px = img.pixels();
            byte[] row = new byte[w * 3];
            for (int y = 0; y < h; y++) {
                System.arraycopy(px, y * w * 3, row, 0, row.length);
                sink.row(y, row);
            }
        } else {
            resize(img, w, h, sink);
        }
        return new FrameMapping(img.width(), img.height(), img.width(), img.height());
    }
}
