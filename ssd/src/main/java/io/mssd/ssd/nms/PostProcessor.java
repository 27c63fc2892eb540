package io.mssd.ssd.nms;

import io.mssd.ssd.Detection;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.RawDetections;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * From raw per-anchor boxes and scores to detections: score threshold, NMS, cap, mapping to pixels.
 * BEST_CLASS takes each anchor's best label and runs one class-agnostic NMS (TF.js face-api, TFLite
 * "fast" NMS); PER_CLASS runs NMS for each label separately and merges by score (Caffe DetectionOutput).
 * The options choose hard greedy NMS or Soft-NMS; with Soft-NMS a detection carries its decayed score.
 */
public final class PostProcessor {

    public enum Strategy { BEST_CLASS, PER_CLASS }

    private final Strategy strategy;
    private final List<String> labels;
    private final int preNmsTopK;

    /** preNmsTopK: PER_CLASS keeps only the best that many candidates of a class before its NMS (0: all). */
    public PostProcessor(Strategy strategy, List<String> labels, int preNmsTopK) {
        this.strategy = strategy;
        this.labels = List.copyOf(labels);
        this.preNmsTopK = preNmsTopK;
    }

    public Strategy strategy() {
        return strategy;
    }

    public List<Detection> apply(RawDetections raw, DetectorOptions opt) {
        GreedyNms greedy = new GreedyNms(opt.iouThreshold());
        NonMaxSuppression nms = switch (opt.nms()) {
            case HARD -> greedy;
            case SOFT_LINEAR -> new SoftNms(SoftNms.Decay.LINEAR, opt.iouThreshold(), opt.softSigma());
            case SOFT_GAUSSIAN -> new SoftNms(SoftNms.Decay.GAUSSIAN, opt.iouThreshold(), opt.softSigma());
        };
        int n = raw.count(), l = raw.labels();
        List<Detection> out = new ArrayList<>();
        if (strategy == Strategy.BEST_CLASS || l == 1) {
            float[] best = new float[n];
            int[] cls = new int[n];
            for (int i = 0; i < n; i++) {
                float s = raw.scores()[i * l];
                int c = 0;
                for (int j = 1; j < l; j++) {
                    if (raw.scores()[i * l + j] > s) {
                        s = raw.scores()[i * l + j];
                        c = j;
                    }
                }
                best[i] = s;
                cls[i] = c;
            }
            for (int i : nms.select(raw.boxes(), best, n, opt.minScore(), opt.maxResults())) {
                out.add(detection(raw, i, cls[i], best[i]));
            }
            return out;
        }
        float[] s = new float[n];
        for (int c = 0; c < l; c++) {
            for (int i = 0; i < n; i++) s[i] = raw.scores()[i * l + c];
            int[] keep = nms == greedy ? greedy.select(raw.boxes(), s, n, opt.minScore(), Integer.MAX_VALUE, preNmsTopK)
                    : nms.select(raw.boxes(), s, n, opt.minScore(), opt.maxResults());
            for (int i : keep) {
                out.add(detection(raw, i, c, s[i]));
            }
        }
        out.sort(Comparator.comparingDouble((Detection d) -> -d.score())); // stable: ties keep label order
        return out.size() > opt.maxResults() ? new ArrayList<>(out.subList(0, opt.maxResults())) : out;
    }

    private Detection detection(RawDetections raw, int i, int c, float score) {
        float[] b = raw.boxes();
        return new Detection(labels.get(c), c, score,
                raw.mapping().toPixels(b[i * 4], b[i * 4 + 1], b[i * 4 + 2], b[i * 4 + 3]));
    }
}
