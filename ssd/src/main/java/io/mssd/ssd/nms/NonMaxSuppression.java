package io.mssd.ssd.nms;

/** Picks boxes among overlapping candidates. */
public interface NonMaxSuppression {

    /**
     * Indices of the kept boxes, best first. {@code boxes} holds corner boxes [n x 4]
     * (x1, y1, x2, y2), {@code scores} one score per box; only boxes scoring above
     * {@code scoreThreshold} are candidates; at most {@code maxResults} are kept. Implementations
     * that rescore (Soft-NMS) write the new scores into {@code scores}: pass a copy.
     */
    int[] select(float[] boxes, float[] scores, int n, float scoreThreshold, int maxResults);
}
