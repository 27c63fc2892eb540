package io.mssd.ssd.train;

import io.mssd.ssd.anchors.Anchors;
import io.mssd.ssd.box.BoxCoder;
import io.mssd.ssd.head.ScoreFunction;

/**
 * The SSD MultiBox loss of one image, and its gradient with respect to the network's raw outputs.
 * Box loss: smooth L1 (0.5 d^2 if |d| < 1, else |d| - 0.5) between the encodings of positives and
 * their ground truth encoded against the anchor, summed over the 4 coordinates. Classification loss
 * per anchor: cross-entropy over the softmax for softmax models; for sigmoid models the sum over
 * all outputs (background included) of binary cross-entropy against the one-hot target. The class
 * target is the positive's class, background (logit 0) for the others. Hard negative mining keeps
 * the min(3 x positives, negatives) negatives with the largest classification loss (ties: lower
 * anchor index first; none when the image has no positives). The batch loss divides the sums by
 * the batch's positives: that is the caller's, since this class sees one image.
 */
public final class MultiBoxLoss {
    /** Sums of one image: classification loss of positives and kept negatives, box loss, positives, kept negatives. */
    public record Parts(double classSum, double boxSum, int positives, int negatives) {
        /** Nothing yet: the start of a sum. */
        public static final Parts NONE = new Parts(0, 0, 0, 0);

        public Parts plus(Parts o) {
            return new Parts(classSum + o.classSum, boxSum + o.boxSum, positives + o.positives, negatives + o.negatives);
        }
    }

    private final Anchors anchors;
    private final BoxCoder coder;
    private final ScoreFunction scoreFunction;
    private final int logits, labelOffset;
    private final int negativesPerPositive;
    private final AnchorMatcher matcher;

    /** logits: outputs per anchor; labelOffset: the logit of label 0 (background is logit 0). */
    public MultiBoxLoss(Anchors anchors, BoxCoder coder, ScoreFunction scoreFunction, int logits, int labelOffset) {
        this(anchors, coder, scoreFunction, logits, labelOffset, 3, new AnchorMatcher(0.5));
    }

    public MultiBoxLoss(Anchors anchors, BoxCoder coder, ScoreFunction scoreFunction, int logits, int labelOffset,
                        int negativesPerPositive, AnchorMatcher matcher) {
        if (labelOffset < 1) throw new IllegalArgumentException("training needs a background logit before the labels (label offset >= 1)");
        this.anchors = anchors;
        this.coder = coder;
        this.scoreFunction = scoreFunction;
        this.logits = logits;
        this.labelOffset = labelOffset;
        this.negativesPerPositive = negativesPerPositive;
        this.matcher = matcher;
    }

    public int anchorCount() {
        return anchors.count();
    }

    /** Positives of an image (they depend on the boxes only, not on the network). */
    public int positives(double[] gt) {
        int p = 0;
        for (int m : matcher.match(anchors, gt)) if (m >= 0) p++;
        return p;
    }

    /**
     * Loss sums of one image. enc [N x 4] and logit [N x K] are the network's raw outputs; gt [G x 4]
     * corner boxes (x1, y1, x2, y2, normalised), labels [G] label indices (0-based, without background).
     * Writes d(sum)/d(enc) and d(sum)/d(logit) into dEnc and dLogit (overwritten; zero where unused).
     */
    public Parts compute(float[] enc, float[] logit, double[] gt, int[] labels, float[] dEnc, float[] dLogit) {
        int n = anchors.count(), k = logits;
        int[] match = matcher.match(anchors, gt);
        java.util.Arrays.fill(dEnc, 0, n * 4, 0f);
        java.util.Arrays.fill(dLogit, 0, n * k, 0f);
        double[] negLoss = new double[n];
        int positives = 0;
        double boxSum = 0, classSum = 0;
        float[] target = new float[4];
        for (int i = 0; i < n; i++) {
            int m = match[i];
            if (m < 0) {
                negLoss[i] = classLoss(logit, i * k, 0, null);
                continue;
            }
            positives++;
            int cls = labels[m] + labelOffset;
            if (cls >= k) throw new IllegalArgumentException("label index " + labels[m] + " has no logit (the model has " + k + ")");
            classSum += classLoss(logit, i * k, cls, dLogit);
            coder.encode(gt[m * 4], gt[m * 4 + 1], gt[m * 4 + 2], gt[m * 4 + 3], anchors, i, target, 0);
            for (int j = 0; j < 4; j++) {
                double d = (double) enc[i * 4 + j] - target[j];
                double ad = Math.abs(d);
                boxSum += ad < 1 ? 0.5 * d * d : ad - 0.5;
                dEnc[i * 4 + j] = (float) (ad < 1 ? d : Math.signum(d));
            }
        }
        int kept = 0;
        if (positives > 0) {
            int negatives = n - positives;
            kept = Math.min(negativesPerPositive * positives, negatives);
            Integer[] order = new Integer[negatives];
            for (int i = 0, j = 0; i < n; i++) if (match[i] < 0) order[j++] = i;
            java.util.Arrays.sort(order, (x, y) -> {
                int c = Double.compare(negLoss[y], negLoss[x]);
                return c != 0 ? c : Integer.compare(x, y);
            });
            for (int j = 0; j < kept; j++) classSum += classLoss(logit, order[j] * k, 0, dLogit);
        }
        return new Parts(classSum, boxSum, positives, kept);
    }

    /** Classification loss of the anchor whose logits start at off, target logit t; adds its gradient if grad != null. */
    private double classLoss(float[] logit, int off, int t, float[] grad) {
        int k = logits;
        if (scoreFunction == ScoreFunction.SIGMOID) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double x = logit[off + j], z = j == t ? 1 : 0;
                sum += Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
                if (grad != null) grad[off + j] = (float) (1 / (1 + Math.exp(-x)) - z);
            }
            return sum;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) max = Math.max(max, logit[off + j]);
        double se = 0;
        for (int j = 0; j < k; j++) se += Math.exp(logit[off + j] - max);
        double lse = max + Math.log(se);
        if (grad != null) {
            for (int j = 0; j < k; j++) grad[off + j] = (float) (Math.exp(logit[off + j] - lse) - (j == t ? 1 : 0));
        }
        return lse - logit[off + t];
    }
}
