package io.mssd.ssd;

import io.mssd.ssd.preprocess.FrameMapping;

/**
 * The network's decoded output before NMS: for each of {@code count} anchors a box
 * (x1, y1, x2, y2, normalised to the network's input frame) and one score per label.
 * Keep it to re-run post-processing with other thresholds without re-running the network.
 */
public record RawDetections(float[] boxes, float[] scores, int count, int labels, FrameMapping mapping) {

    public float score(int anchor, int label) {
        return scores[anchor * labels + label];
    }
}
