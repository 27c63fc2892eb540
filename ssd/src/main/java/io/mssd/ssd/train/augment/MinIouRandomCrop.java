package io.mssd.ssd.train.augment;

import io.mssd.ssd.RgbImage;
import io.mssd.ssd.train.TrainingSample;

import java.util.SplittableRandom;

/**
 * SSD's sampler: picks one of {keep the whole image, min IoU 0.1, 0.3, 0.5, 0.7, 0.9, any}; for an
 * IoU mode tries up to 50 crops of 0.3-1 of each side with aspect ratio within [0.5, 2] until one
 * overlaps some box by at least that IoU and holds at least one box centre. Boxes whose centre
 * falls outside the crop are dropped, the rest clipped to it.
 */
public final class MinIouRandomCrop implements Augmentation {
    private static final double[] MODES = {-1, 0.1, 0.3, 0.5, 0.7, 0.9, 0}; // -1: whole image, 0: any crop
    private static final int TRIES = 50;

    @Override
    public TrainingSample apply(TrainingSample s, SplittableRandom rnd) {
        double minIou = MODES[rnd.nextInt(MODES.length)];
        if (minIou < 0 || s.count() == 0) return s;
        RgbImage im = s.image();
        int w = im.width(), h = im.height();
        float[] b = s.boxes();
        for (int t = 0; t < TRIES; t++) {
            double cw = w * (0.3 + 0.7 * rnd.nextDouble()), ch = h * (0.3 + 0.7 * rnd.nextDouble());
            if (ch / cw < 0.5 || ch / cw > 2) continue;
            double left = rnd.nextDouble() * (w - cw), top = rnd.nextDouble() * (h - ch);
            int x0 = (int) left, y0 = (int) top, x1 = (int) (left + cw), y1 = (int) (top + ch);
            if (x1 - x0 < 2 || y1 - y0 < 2) continue;
            double best = 0;
            int kept = 0;
            for (int i = 0; i < b.length; i += 4) {
                best = Math.max(best, iou(x0, y0, x1, y1, b[i], b[i + 1], b[i + 2], b[i + 3]));
                double cx = (b[i] + b[i + 2]) / 2, cy = (b[i + 1] + b[i + 3]) / 2;
                if (cx > x0 && cx < x1 && cy > y0 && cy < y1) kept++;
            }
            if (best < minIou || kept == 0) continue;
            float[] nb = new float[kept * 4];
            int[] nl = new int[kept];
            for (int i = 0, k = 0; i < b.length; i += 4) {
                double cx = (b[i] + b[i + 2]) / 2, cy = (b[i + 1] + b[i + 3]) / 2;
                if (!(cx > x0 && cx < x1 && cy > y0 && cy < y1)) continue;
                nb[k * 4] = Math.max(b[i], x0) - x0;
                nb[k * 4 + 1] = Math.max(b[i + 1], y0) - y0;
                nb[k * 4 + 2] = Math.min(b[i + 2], x1) - x0;
                nb[k * 4 + 3] = Math.min(b[i + 3], y1) - y0;
                nl[k++] = s.labels()[i / 4];
            }
            int nw = x1 - x0, nh = y1 - y0;
            byte[] dst = new byte[nw * nh * 3];
            for (int y = 0; y < nh; y++) System.arraycopy(im.pixels(), ((y0 + y) * w + x0) * 3, dst, y * nw * 3, nw * 3);
            return new TrainingSample(s.source(), new RgbImage(nw, nh, dst), nb, nl);
        }
        return s;
    }

    static double iou(double ax1, double ay1, double ax2, double ay2, double bx1, double by1, double bx2, double by2) {
        double iw = Math.min(ax2, bx2) - Math.max(ax1, bx1), ih = Math.min(ay2, by2) - Math.max(ay1, by1);
        if (iw <= 0 || ih <= 0) return 0;
        double inter = iw * ih;
        return inter / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter);
    }
}
