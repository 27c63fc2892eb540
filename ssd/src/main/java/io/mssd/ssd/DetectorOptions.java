package io.mssd.ssd;

/**
 * Post-processing settings: minimum score, NMS IoU threshold, maximum number of detections, and
 * the NMS flavour (hard greedy by default; Soft-NMS with linear or Gaussian decay, sigma for the latter).
 */
public record DetectorOptions(float minScore, float iouThreshold, int maxResults, Nms nms, float softSigma) {

    public enum Nms { HARD, SOFT_LINEAR, SOFT_GAUSSIAN }

    public DetectorOptions(float minScore, float iouThreshold, int maxResults) {
        this(minScore, iouThreshold, maxResults, Nms.HARD, 0.5f);
    }

    public DetectorOptions {
        if (nms == null) throw new IllegalArgumentException("nms must not be null");
        if (!(softSigma > 0)) throw new IllegalArgumentException("soft-NMS sigma must be > 0, got " + softSigma);
        if (!(minScore >= 0 && minScore <= 1)) throw new IllegalArgumentException("min score must be in [0, 1], got " + minScore);
        if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new IllegalArgumentException("IoU threshold must be in [0, 1], got " + iouThreshold);
        if (maxResults < 1) throw new IllegalArgumentException("max results must be >= 1, got " + maxResults);
    }

    public static Builder builder(DetectorOptions base) {
        return new Builder(base);
    }

    public DetectorOptions withMinScore(float s) {
        return new DetectorOptions(s, iouThreshold, maxResults, nms, softSigma);
    }

    public DetectorOptions withIouThreshold(float t) {
        return new DetectorOptions(minScore, t, maxResults, nms, softSigma);
    }

    public DetectorOptions withMaxResults(int n) {
        return new DetectorOptions(minScore, iouThreshold, n, nms, softSigma);
    }

    public DetectorOptions withNms(Nms kind, float sigma) {
        return new DetectorOptions(minScore, iouThreshold, maxResults, kind, sigma);
    }

    public static final class Builder {
        private float minScore, iou, sigma;
        private int max;
        private Nms nms;

        private Builder(DetectorOptions base) {
            this.minScore = base.minScore;
            this.iou = base.iouThreshold;
            this.max = base.maxResults;
            this.nms = base.nms;
            this.sigma = base.softSigma;
        }

        public Builder nms(Nms kind) {
            this.nms = kind;
            return this;
        }

        public Builder softSigma(float s) {
            this.sigma = s;
            return this;
        }

        public Builder minScore(float s) {
            this.minScore = s;
            return this;
        }

        public Builder iouThreshold(float t) {
            this.iou = t;
            return this;
        }

        public Builder maxResults(int n) {
            this.max = n;
            return this;
        }

        public DetectorOptions build() {
            return new DetectorOptions(minScore, iou, max, nms, sigma);
        }
    }
}
