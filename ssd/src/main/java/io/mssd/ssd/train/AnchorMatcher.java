package io.mssd.ssd.train;

import io.mssd.ssd.anchors.Anchors;

/**
 * SSD target assignment for one image. Each anchor takes the ground truth it overlaps most (the
 * lowest index on ties); then each ground truth in order takes its best anchor outright (the
 * lowest anchor index on ties), whatever that anchor's own best, so a later ground truth may take
 * over an anchor an earlier one forced. An anchor is positive iff it was so taken or its best IoU
 * is at least the threshold (0.5). IoU is computed in double on corner boxes.
 */
public final class AnchorMatcher {
    private final double threshold;

    public AnchorMatcher(double threshold) {
        this.threshold = threshold;
    }

    /**
     * gt: [G x 4] corner boxes (x1, y1, x2, y2) in the anchors' normalised frame. Returns for each
     * anchor the index of its ground truth, or -1 for a negative.
     */
    public int[] match(Anchors anchors, double[] gt) {
        int n = anchors.count(), g = gt.length / 4;
        int[] match = new int[n];
        java.util.Arrays.fill(match, -1);
        if (g == 0) return match;
        float[] a = anchors.centerSize();
        double[] bestIou = new double[n];
        int[] bestGt = new int[n];
        int[] bestAnchor = new int[g];
        double[] bestAnchorIou = new double[g];
        java.util.Arrays.fill(bestAnchorIou, -1);
        java.util.Arrays.fill(bestIou, -1);
        for (int i = 0; i < n; i++) {
            double cy = a[i * 4], cx = a[i * 4 + 1], h = a[i * 4 + 2], w = a[i * 4 + 3];
            double ay1 = cy - h / 2, ax1 = cx - w / 2, ay2 = cy + h / 2, ax2 = cx + w / 2;
            double areaA = (ay2 - ay1) * (ax2 - ax1);
            for (int j = 0; j < g; j++) {
                double iou = iou(ax1, ay1, ax2, ay2, areaA, gt[j * 4], gt[j * 4 + 1], gt[j * 4 + 2], gt[j * 4 + 3]);
                if (iou > bestIou[i]) {
                    bestIou[i] = iou;
                    bestGt[i] = j;
                }
                if (iou > bestAnchorIou[j]) {
                    bestAnchorIou[j] = iou;
                    bestAnchor[j] = i;
                }
            }
        }
        for (int i = 0; i < n; i++) if (bestIou[i] >= threshold) match[i] = bestGt[i];
        for (int j = 0; j < g; j++) match[bestAnchor[j]] = j;
        return match;
    }

    static double iou(double ax1, double ay1, double ax2, double ay2, double areaA,
                      double bx1, double by1, double bx2, double by2) {
        double iw = Math.min(ax2, bx2) - Math.max(ax1, bx1), ih = Math.min(ay2, by2) - Math.max(ay1, by1);
        if (iw <= 0 || ih <= 0) return 0;
        double inter = iw * ih, union = areaA + (bx2 - bx1) * (by2 - by1) - inter;
        return union > 0 ? inter / union : 0;
    }
}
