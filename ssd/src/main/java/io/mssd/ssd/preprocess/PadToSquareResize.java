package io.mssd.ssd.preprocess;

import io.mssd.core.tensor.Tensor;
import io.mssd.ssd.RgbImage;

/**
 * Pads the image to a square with zeros at the bottom or right, then resizes it bilinearly with
 * TensorFlow's legacy sampling (align_corners=false, half_pixel_centers=false: source = dst * in/out,
 * neighbours floor and floor+1 clamped), computed in double as TF.js does, then normalises.
 */
public final class PadToSquareResize implements Preprocessor {
    private final Normalization norm;

    public Normalization normalization() {
        return norm;
    }

    public PadToSquareResize(Normalization norm) {
        this.norm = norm;
    }

    @Override
    public FrameMapping apply(RgbImage img, Tensor input) {
        int outH = input.shape().h(), outW = input.shape().w();
        int side = Math.max(img.width(), img.height());
        int w = img.width(), h = img.height();
        byte[] px = img.pixels();
        float[] dst = input.data();
        int plane = outH * outW;
        double ratioY = (double) side / outH, ratioX = (double) side / outW;
        int[] x0 = new int[outW], x1 = new int[outW];
        double[] fx = new double[outW];
        for (int x = 0; x < outW; x++) {
            double src = ratioX * x;
            x0[x] = (int) Math.floor(src);
            x1[x] = Math.min(side - 1, (int) Math.ceil(src));
            fx[x] = src - x0[x];
        }
        // TF's arithmetic, by rows: each output row interpolates two source rows horizontally (in
        // double), then between them; the same operations, in the same order, as pixel by pixel
        double[] top = new double[outW * 3], bottom = new double[outW * 3];
        int p0 = norm.bgr() ? 2 * plane : 0, p2 = norm.bgr() ? 0 : 2 * plane; // plane of channel 0 and 2
        for (int y = 0; y < outH; y++) {
            double srcY = ratioY * y;
            int y0 = (int) Math.floor(srcY), y1 = Math.min(side - 1, (int) Math.ceil(srcY));
            double fy = srcY - y0;
            horizontal(px, w, h, y0, x0, x1, fx, top);
            horizontal(px, w, h, y1, x0, x1, fx, bottom);
            for (int x = 0, o = y * outW, i = 0; x < outW; x++, o++, i += 3) {
                dst[p0 + o] = norm.apply((float) (top[i] + (bottom[i] - top[i]) * fy));
                dst[plane + o] = norm.apply((float) (top[i + 1] + (bottom[i + 1] - top[i + 1]) * fy));
                dst[p2 + o] = norm.apply((float) (top[i + 2] + (bottom[i + 2] - top[i + 2]) * fy));
            }
        }
        return new FrameMapping(side, side, w, h);
    }

    /** Source row y interpolated at every output column: left + (right - left) * fx, zeros past the image. */
    private static void horizontal(byte[] px, int w, int h, int y, int[] x0, int[] x1, double[] fx, double[] row) {
        if (y >= h) {
            java.util.Arrays.fill(row, 0);
            return;
        }
        int base = y * w * 3;
        for (int x = 0, i = 0; x < x0.length; x++, i += 3) {
            int l = x0[x] < w ? base + x0[x] * 3 : -1, r = x1[x] < w ? base + x1[x] * 3 : -1;
            for (int c = 0; c < 3; c++) {
                double left = l < 0 ? 0 : px[l + c] & 0xff, right = r < 0 ? 0 : px[r + c] & 0xff;
                row[i + c] = left + (right - left) * fx[x];
            }
        }
    }
}
