package io.mssd.ssd.train.augment;

import io.mssd.ssd.RgbImage;
import io.mssd.ssd.train.TrainingSample;

import java.util.SplittableRandom;

/**
 * SSD's "expand": with probability p, places the image at a random spot of a canvas up to
 * {@code maxRatio} times its size, filled with the mean colour (mid-grey), so that objects come out
 * smaller. The canvas is capped at 4096 pixels a side.
 */
public record ZoomOut(double p, float maxRatio) implements Augmentation {
    static final int MAX_SIDE = 4096;

    @Override
    public TrainingSample apply(TrainingSample s, SplittableRandom rnd) {
        if (maxRatio <= 1 || rnd.nextDouble() >= p) return s;
        RgbImage im = s.image();
        int w = im.width(), h = im.height();
        double ratio = 1 + rnd.nextDouble() * (maxRatio - 1);
        ratio = Math.min(ratio, Math.min((double) MAX_SIDE / w, (double) MAX_SIDE / h));
        if (ratio <= 1) return s;
        int cw = (int) (w * ratio), ch = (int) (h * ratio);
        int left = rnd.nextInt(cw - w + 1), top = rnd.nextInt(ch - h + 1);
        byte[] dst = new byte[cw * ch * 3];
        java.util.Arrays.fill(dst, (byte) 127);
        for (int y = 0; y < h; y++) System.arraycopy(im.pixels(), y * w * 3, dst, ((top + y) * cw + left) * 3, w * 3);
        float[] boxes = s.boxes().clone();
        for (int i = 0; i < boxes.length; i += 4) {
            boxes[i] += left;
            boxes[i + 1] += top;
            boxes[i + 2] += left;
            boxes[i + 3] += top;
        }
        return new TrainingSample(s.source(), new RgbImage(cw, ch, dst), boxes, s.labels());
    }
}
