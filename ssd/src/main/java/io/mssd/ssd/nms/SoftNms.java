package io.mssd.ssd.nms;

import io.mssd.ssd.box.Box;

import java.util.Arrays;

/**
 * Soft-NMS (Bodla et al., 2017): instead of removing the boxes that overlap a kept one, decay their
 * scores — linearly, s * (1 - IoU) when IoU exceeds the threshold, or with a Gaussian,
 * s * exp(-IoU^2 / sigma) — and keep picking the best remaining box while it scores above the
 * threshold. The decayed scores are written back into {@code scores}.
 */
public final class SoftNms implements NonMaxSuppression {

    public enum Decay { LINEAR, GAUSSIAN }

    private final Decay decay;
    private final float iouThreshold, sigma;

    public SoftNms(Decay decay, float iouThreshold, float sigma) {
        if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new IllegalArgumentException("IoU threshold must be in [0, 1], got " + iouThreshold);
        if (!(sigma > 0)) throw new IllegalArgumentException("sigma must be > 0, got " + sigma);
        this.decay = decay;
        this.iouThreshold = iouThreshold;
        this.sigma = sigma;
    }

    @Override
    public int[] select(float[] boxes, float[] scores, int n, float scoreThreshold, int maxResults) {
        boolean[] done = new boolean[n];
        int[] kept = new int[Math.min(n, maxResults)];
        int count = 0;
        while (count < kept.length) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!done[i] && scores[i] > scoreThreshold && (best < 0 || scores[i] > scores[best])) best = i;
            }
            if (best < 0) break;
            done[best] = true;
            kept[count++] = best;
            for (int i = 0; i < n; i++) {
                if (done[i] || scores[i] <= scoreThreshold) continue;
                float iou = Box.iou(boxes[best * 4], boxes[best * 4 + 1], boxes[best * 4 + 2], boxes[best * 4 + 3],
                        boxes[i * 4], boxes[i * 4 + 1], boxes[i * 4 + 2], boxes[i * 4 + 3]);
                if (decay == Decay.LINEAR) {
                    if (iou > iouThreshold) scores[i] *= 1 - iou;
                } else {
                    scores[i] *= (float) Math.exp(-(double) iou * iou / sigma);
                }
            }
        }
        return Arrays.copyOf(kept, count);
    }
}
