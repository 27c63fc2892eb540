package io.mssd.ssd.train.augment;

import io.mssd.ssd.RgbImage;
import io.mssd.ssd.train.TrainingSample;

import java.util.SplittableRandom;

/** Mirrors the image left to right with probability p. */
public record HorizontalFlip(double p) implements Augmentation {

    @Override
    public TrainingSample apply(TrainingSample s, SplittableRandom rnd) {
        if (rnd.nextDouble() >= p) return s;
        RgbImage im = s.image();
        int w = im.width(), h = im.height();
        byte[] src = im.pixels(), dst = new byte[src.length];
        for (int y = 0; y < h; y++) {
            int row = y * w * 3;
            for (int x = 0; x < w; x++) {
                int a = row + x * 3, b = row + (w - 1 - x) * 3;
                dst[b] = src[a];
                dst[b + 1] = src[a + 1];
                dst[b + 2] = src[a + 2];
            }
        }
        float[] boxes = s.boxes().clone();
        for (int i = 0; i < boxes.length; i += 4) {
            float x1 = boxes[i], x2 = boxes[i + 2];
            boxes[i] = w - x2;
            boxes[i + 2] = w - x1;
        }
        return new TrainingSample(s.source(), new RgbImage(w, h, dst), boxes, s.labels());
    }
}
