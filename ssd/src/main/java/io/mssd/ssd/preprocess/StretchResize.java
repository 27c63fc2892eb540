package io.mssd.ssd.preprocess;

import io.mssd.core.tensor.Tensor;
import io.mssd.ssd.RgbImage;

/**
 * Resizes the whole image to the network input (aspect ratio not kept) with OpenCV's INTER_LINEAR
 * arithmetic for 8-bit images (half-pixel centers, 11-bit fixed-point weights, the rounding of its
 * SIMD path), so that it gives the bytes cv2.resize gives, then normalises: the Caffe and TFLite
 * MobileNet-SSDs were fed that way.
 */
public final class StretchResize implements Preprocessor {
    private static final int COEF_BITS = 11, COEF_SCALE = 1 << COEF_BITS;
    private final Normalization norm;

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

    /** The resized 8-bit RGB image (w x h). */
    public static byte[] resize(RgbImage img, int outW, int outH) {
        int sw = img.width(), sh = img.height();
        byte[] px = img.pixels();
        int[] xi = new int[outW], xw = new int[outW], yi = new int[outH], yw = new int[outH];
        coefficients(sw, outW, xi, xw);
        coefficients(sh, outH, yi, yw);
        byte[] out = new byte[outW * outH * 3];
        int[] row0 = new int[outW * 3], row1 = new int[outW * 3];
        for (int y = 0; y < outH; y++) {
            int r0 = yi[y], r1 = Math.min(sh - 1, r0 + 1);
            horizontal(px, sw, r0, xi, xw, row0);
            horizontal(px, sw, r1, xi, xw, row1);
            int b0 = yw[y], b1 = COEF_SCALE - b0;
            for (int i = 0; i < outW * 3; i++) {
                // VResizeLinearVec_32s8u: (((b0 * (S0 >> 4)) >> 16) + ((b1 * (S1 >> 4)) >> 16) + 2) >> 2
                int v = (((b0 * (row0[i] >> 4)) >> 16) + ((b1 * (row1[i] >> 4)) >> 16) + 2) >> 2;
                out[y * outW * 3 + i] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return out;
    }

    private static void horizontal(byte[] px, int sw, int row, int[] xi, int[] xw, int[] dst) {
        int base = row * sw * 3;
        for (int x = 0; x < xi.length; x++) {
            int s0 = xi[x], s1 = Math.min(sw - 1, s0 + 1), a0 = xw[x], a1 = COEF_SCALE - a0;
            for (int c = 0; c < 3; c++) {
                dst[x * 3 + c] = (px[base + s0 * 3 + c] & 0xff) * a0 + (px[base + s1 * 3 + c] & 0xff) * a1;
            }
        }
    }

    @Override
    public FrameMapping apply(RgbImage img, Tensor input) {
        int h = input.shape().h(), w = input.shape().w();
        byte[] r = img.width() == w && img.height() == h ? img.pixels() : resize(img, w, h);
        fill(r, w, h, input, norm);
        return new FrameMapping(img.width(), img.height(), img.width(), img.height());
    }

    /** Writes an already resized RGB image into the input tensor with the normalisation. */
    public static void fill(byte[] rgb, int w, int h, Tensor input, Normalization norm) {
        float[] dst = input.data();
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                int ch = norm.bgr() ? 2 - c : c;
                dst[ch * plane + i] = norm.apply(rgb[i * 3 + c] & 0xff);
            }
        }
    }
}
