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
        for (int y = 0; y < outH; y++) {
            double srcY = ratioY * y;
            int y0 = (int) Math.floor(srcY), y1 = Math.min(side - 1, (int) Math.ceil(srcY));
            double fy = srcY - y0;
            for (int x = 0; x < outW; x++) {
                for (int c = 0; c < 3; c++) {
                    double tl = sample(px, w, h, x0[x], y0, c), tr = sample(px, w, h, x1[x], y0, c);
                    double bl = sample(px, w, h, x0[x], y1, c), br = sample(px, w, h, x1[x], y1, c);
                    double top = tl + (tr - tl) * fx[x];
                    double bottom = bl + (br - bl) * fx[x];
                    float v = (float) (top + (bottom - top) * fy);
                    int ch = norm.bgr() ? 2 - c : c;
                    dst[ch * plane + y * outW + x] = norm.apply(v);
                }
            }
        }
        return new FrameMapping(side, side, w, h);
    }

    private static double sample(byte[] px, int w, int h, int x, int y, int c) {
        if (x >= w || y >= h) return 0; // the zero padding
        return px[(y * w + x) * 3 + c] & 0xff;
    }
}
