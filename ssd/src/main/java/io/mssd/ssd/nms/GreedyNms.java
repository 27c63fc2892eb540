package io.mssd.ssd.nms;

import io.mssd.ssd.box.Box;

import java.util.Arrays;

/**
 * Hard greedy NMS: candidates (score > threshold) in descending score order, ties by index; a
 * candidate is kept unless its IoU with an already kept box exceeds the IoU threshold.
 */
public final class GreedyNms implements NonMaxSuppression {
    private final float iouThreshold;

    public GreedyNms(float iouThreshold) {
        if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("IoU threshold must be in [0, 1], got " + iouThreshold);
        }
        this.iouThreshold = iouThreshold;
    }

    public float iouThreshold() {
        return iouThreshold;
    }

    /** Candidate indices with score > threshold, sorted by descending score, ties by ascending index. */
    static Integer[] candidates(float[] scores, int n, float threshold) {
        return java.util.stream.IntStream.range(0, n).filter(i -> scores[i] > threshold).boxed()
                .sorted((a, b) -> {
                    int c = Float.compare(scores[b], scores[a]);
                    return c != 0 ? c : Integer.compare(a, b);
                }).toArray(Integer[]::new);
    }

    @Override
    public int[] select(float[] boxes, float[] scores, int n, float scoreThreshold, int maxResults) {
        return select(boxes, scores, n, scoreThreshold, maxResults, 0);
    }

    /** As {@link #select(float[], float[], int, float, int)}, first keeping only the best {@code topK} candidates (0: all; Caffe's top_k). */
    public int[] select(float[] boxes, float[] scores, int n, float scoreThreshold, int maxResults, int topK) {
        Integer[] order = candidates(scores, n, scoreThreshold);
        if (topK > 0 && order.length > topK) order = Arrays.copyOf(order, topK);
        int[] kept = new int[Math.min(maxResults, order.length)];
        int count = 0;
        for (int idx : order) {
            if (count >= kept.length) break;
            boolean keep = true;
            for (int j = count - 1; j >= 0; j--) {
                int k = kept[j];
                float iou = Box.iou(boxes[idx * 4], boxes[idx * 4 + 1], boxes[idx * 4 + 2], boxes[idx * 4 + 3],
                        boxes[k * 4], boxes[k * 4 + 1], boxes[k * 4 + 2], boxes[k * 4 + 3]);
                if (iou > iouThreshold) {
                    keep = false;
                    break;
                }
            }
            if (keep) kept[count++] = idx;
        }
        return Arrays.copyOf(kept, count);
    }
}
