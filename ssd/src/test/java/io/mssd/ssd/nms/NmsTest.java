package io.mssd.ssd.nms;

import io.mssd.ssd.Detection;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.RawDetections;
import io.mssd.ssd.preprocess.FrameMapping;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NmsTest {
    // box 0 and 1 overlap with IoU 0.8 (10x10 vs 10x8 inside it); box 2 is far away
    static final float[] BOXES = {0, 0, 10, 10, 0, 0, 10, 8, 50, 50, 60, 60};

    @Test
    void greedySuppressesAboveTheThresholdInScoreOrder() {
        float[] scores = {0.8f, 0.9f, 0.5f};
        assertArrayEquals(new int[] {1, 2}, new GreedyNms(0.5f).select(BOXES, scores, 3, 0.1f, 10));
        assertArrayEquals(new int[] {1, 0, 2}, new GreedyNms(0.85f).select(BOXES, scores, 3, 0.1f, 10)); // IoU 0.8 <= 0.85
        assertArrayEquals(new int[] {1}, new GreedyNms(0.5f).select(BOXES, scores, 3, 0.1f, 1));
        assertArrayEquals(new int[] {1, 2}, new GreedyNms(0.5f).select(BOXES, scores, 3, 0.4f, 10));
        // Caffe's top_k before NMS: only the best 2 candidates are considered
        assertArrayEquals(new int[] {1}, new GreedyNms(0.5f).select(BOXES, scores, 3, 0.1f, 10, 2));
    }

    @Test
    void softNmsDecaysInsteadOfRemoving() {
        float[] lin = {0.8f, 0.9f, 0.5f};
        assertArrayEquals(new int[] {1, 2, 0}, new SoftNms(SoftNms.Decay.LINEAR, 0.5f, 0.5f).select(BOXES, lin, 3, 0.1f, 10));
        assertEquals(0.8f * (1 - 0.8f), lin[0], 1e-6);
        assertEquals(0.5f, lin[2], 0); // no overlap: untouched
        float[] gauss = {0.8f, 0.9f, 0.5f};
        new SoftNms(SoftNms.Decay.GAUSSIAN, 0.5f, 0.5f).select(BOXES, gauss, 3, 0.1f, 10);
        assertEquals(0.8 * Math.exp(-0.64 / 0.5), gauss[0], 1e-6);
        // below the threshold after decay: dropped
        float[] low = {0.3f, 0.9f, 0.5f};
        assertArrayEquals(new int[] {1, 2}, new SoftNms(SoftNms.Decay.LINEAR, 0.5f, 0.5f).select(BOXES, low, 3, 0.1f, 10));
    }

    @Test
    void postProcessorCarriesTheDecayedScore() {
        RawDetections raw = new RawDetections(new float[] {0, 0, .1f, .1f, 0, 0, .1f, .08f}, new float[] {0.8f, 0.9f}, 2, 1,
                new FrameMapping(100, 100, 100, 100));
        PostProcessor pp = new PostProcessor(PostProcessor.Strategy.BEST_CLASS, List.of("thing"), 0);
        assertEquals(1, pp.apply(raw, new DetectorOptions(0.1f, 0.5f, 10)).size());
        List<Detection> soft = pp.apply(raw, new DetectorOptions(0.1f, 0.5f, 10).withNms(DetectorOptions.Nms.SOFT_LINEAR, 0.5f));
        assertEquals(2, soft.size());
        assertEquals(0.9f, soft.get(0).score(), 1e-6);
        assertEquals(0.16f, soft.get(1).score(), 1e-5);
        assertEquals(10f, soft.get(0).box().x2(), 1e-4); // mapped back to pixels
    }
}
