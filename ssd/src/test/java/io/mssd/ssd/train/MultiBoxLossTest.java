package io.mssd.ssd.train;

import io.mssd.ssd.anchors.Anchors;
import io.mssd.ssd.box.CenterSizeBoxCoder;
import io.mssd.ssd.head.ScoreFunction;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Matching, targets, the loss and its mining on hand-worked cases. */
class MultiBoxLossTest {
    /** Four anchors (cy, cx, h, w) along x: [0,.2], [.1,.3], [.5,.7], [.8,1] in x, all [0,.2] in y. */
    static final Anchors ANCHORS = new Anchors(new float[] {
        0.1f, 0.1f, 0.2f, 0.2f,
        0.1f, 0.2f, 0.2f, 0.2f,
        0.1f, 0.6f, 0.2f, 0.2f,
        0.1f, 0.9f, 0.2f, 0.2f});
    static final CenterSizeBoxCoder TF = CenterSizeBoxCoder.tensorflow(10, 10, 5, 5);

    @Test
    void anchorsTakeTheirBestGroundTruthAboveTheThreshold() {
        // gt 0 equals anchor 0; anchor 1 overlaps it by 1/3 (below 0.5): negative
        int[] m = new AnchorMatcher(0.5).match(ANCHORS, new double[] {0, 0, 0.2, 0.2});
        assertArrayEquals(new int[] {0, -1, -1, -1}, m);
    }

    @Test
    void eachGroundTruthForcesItsBestAnchorEvenBelowTheThreshold() {
        // a box with IoU 0.25 with anchor 2 only: forced positive
        int[] m = new AnchorMatcher(0.5).match(ANCHORS, new double[] {0.55, 0, 0.65, 0.1});
        assertArrayEquals(new int[] {-1, -1, 0, -1}, m);
    }

    @Test
    void aLaterGroundTruthTakesOverAForcedAnchorAndTiesGoToTheLowerIndex() {
        // gt 0 and gt 1 are the same box: anchor 0's best is gt 0 (lowest index on ties), but gt 1 forces
        // it afterwards; gt 2 overlaps anchors 0 and 1 equally (IoU 1/7 each): its best is anchor 0, which it takes over
        double[] gt = {0, 0, 0.2, 0.2, 0, 0, 0.2, 0.2, 0.1, 0.1, 0.2, 0.2};
        int[] m = new AnchorMatcher(0.5).match(ANCHORS, gt);
        assertEquals(2, m[0]);
        assertEquals(-1, m[1]);
        // without gt 2, gt 1 holds anchor 0
        assertEquals(1, new AnchorMatcher(0.5).match(ANCHORS, new double[] {0, 0, 0.2, 0.2, 0, 0, 0.2, 0.2})[0]);
    }

    @Test
    void encodingRoundTripsThroughTheDecoder() {
        float[] enc = new float[16];
        TF.encode(0.52, 0.01, 0.71, 0.19, ANCHORS, 2, enc, 8);
        float[] boxes = new float[16];
        TF.decode(enc, ANCHORS, boxes);
        assertArrayEquals(new float[] {0.52f, 0.01f, 0.71f, 0.19f}, java.util.Arrays.copyOfRange(boxes, 8, 12), 1e-6f);
    }

    @Test
    void sigmoidLossOfOnePositiveWithMinedNegatives() {
        // two logits per anchor (background, class 0); gt = anchor 0 exactly, class 0
        MultiBoxLoss loss = new MultiBoxLoss(ANCHORS, TF, ScoreFunction.SIGMOID, 2, 1);
        float[] enc = new float[16];
        enc[0] = 0.5f;  // d = 0.5: 0.125
        enc[1] = -2f;   // d = -2: 1.5
        float[] logit = {0, 0, 0, 1, 0, 2, 0, -1};
        float[] dEnc = new float[16], dLogit = new float[8];
        MultiBoxLoss.Parts p = loss.compute(enc, logit, new double[] {0, 0, 0.2, 0.2}, new int[] {0}, dEnc, dLogit);
        assertEquals(1, p.positives());
        assertEquals(3, p.negatives(), "min(3 x 1, 3 negatives)");
        assertEquals(0.125 + 1.5, p.boxSum(), 1e-6);
        // positive: target (0, 1): BCE(0,0) + BCE(0,1) = 2 log 2; negatives target (1, 0): BCE(0,1) + BCE(x,0)
        double expected = 2 * Math.log(2);
        for (double x : new double[] {1, 2, -1}) expected += Math.log(2) + Math.log1p(Math.exp(x));
        assertEquals(expected, p.classSum(), 1e-6);
        assertArrayEquals(new float[] {0.5f, -1f, 0, 0}, java.util.Arrays.copyOf(dEnc, 4), 1e-7f);
        assertEquals(0.5f, dLogit[0], 1e-7f); // sigmoid(0) - 0
        assertEquals(-0.5f, dLogit[1], 1e-7f); // sigmoid(0) - 1
        assertEquals((float) (1 / (1 + Math.exp(-2.0))), dLogit[5], 1e-7f);
        assertEquals(-0.5f, dLogit[4], 1e-7f);
    }

    @Test
    void hardNegativesAreTheThreeTimesPositivesLargestLosses() {
        // 8 anchors, one positive: only the 3 negatives with the largest loss count
        float[] cs = new float[32];
        for (int i = 0; i < 8; i++) {
            cs[i * 4] = 0.1f + 0.25f * (i / 4);
            cs[i * 4 + 1] = 0.1f + 0.25f * (i % 4);
            cs[i * 4 + 2] = 0.2f;
            cs[i * 4 + 3] = 0.2f;
        }
        Anchors a = new Anchors(cs);
        MultiBoxLoss loss = new MultiBoxLoss(a, TF, ScoreFunction.SOFTMAX, 2, 1);
        float[] logit = new float[16];
        float[] fg = {0, 3, 1, 5, 2, 4, 0.5f, 0.5f}; // foreground logit per anchor; background 0
        for (int i = 0; i < 8; i++) logit[i * 2 + 1] = fg[i];
        float[] dEnc = new float[32], dLogit = new float[16];
        MultiBoxLoss.Parts p = loss.compute(new float[32], logit, new double[] {0, 0, 0.2, 0.2}, new int[] {0}, dEnc, dLogit);
        assertEquals(3, p.negatives());
        // kept: anchors 3 (5), 5 (4), 1 (3); softmax CE with target background: log(1 + e^x)
        double expected = Math.log1p(Math.exp(-0.0)) + Math.log1p(Math.exp(5)) + Math.log1p(Math.exp(4)) + Math.log1p(Math.exp(3));
        assertEquals(expected, p.classSum(), 1e-6);
        for (int i : new int[] {2, 4, 6, 7}) assertEquals(0f, dLogit[i * 2 + 1], "anchor " + i + " not mined");
        assertEquals((float) (1 / (1 + Math.exp(-5.0))), dLogit[3 * 2 + 1], 1e-6f);
    }

    @Test
    void anImageWithoutPositivesCostsNothing() {
        MultiBoxLoss loss = new MultiBoxLoss(ANCHORS, TF, ScoreFunction.SIGMOID, 2, 1);
        float[] dEnc = new float[16], dLogit = new float[8];
        java.util.Arrays.fill(dLogit, 7f);
        MultiBoxLoss.Parts p = loss.compute(new float[16], new float[] {0, 5, 0, 5, 0, 5, 0, 5}, new double[0], new int[0], dEnc, dLogit);
        assertEquals(new MultiBoxLoss.Parts(0, 0, 0, 0), p);
        for (float v : dLogit) assertEquals(0f, v);
    }

    @Test
    void caffeCoderUsesVariancesAndXyOrder() {
        CenterSizeBoxCoder caffe = CenterSizeBoxCoder.caffe(0.1f, 0.1f, 0.2f, 0.2f);
        float[] enc = new float[16];
        caffe.encode(0.62, 0.02, 0.72, 0.2, ANCHORS, 2, enc, 0);
        // cx: (0.67 - 0.6) / 0.2 / 0.1 = 3.5; cy: (0.11 - 0.1) / 0.2 / 0.1 = 0.5; w: log(0.1 / 0.2) / 0.2; h: log(0.18 / 0.2) / 0.2
        assertArrayEquals(new float[] {3.5f, 0.5f, (float) (Math.log(0.5) / 0.2), (float) (Math.log(0.9) / 0.2)},
                java.util.Arrays.copyOf(enc, 4), 1e-5f);
    }
}
