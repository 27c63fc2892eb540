package io.mssd.ssd.train;

import io.mssd.ssd.RgbImage;

/**
 * One labelled image as training reads it: pixels, boxes in image pixels [G x 4] (x1, y1, x2, y2,
 * clipped to the image, positive area), each box's label index in the model's label list, and
 * where it came from (for error messages).
 */
public record TrainingSample(String source, RgbImage image, float[] boxes, int[] labels) {

    public TrainingSample {
        if (boxes.length != labels.length * 4) {
            throw new IllegalArgumentException(source + ": " + labels.length + " labels for " + boxes.length / 4 + " boxes");
        }
    }

    public int count() {
        return labels.length;
    }
}
