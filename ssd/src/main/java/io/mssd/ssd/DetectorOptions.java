package io.mssd.ssd;

/** Post-processing settings: minimum score, NMS IoU threshold, maximum number of detections. */
public record DetectorOptions(float minScore, float iouThreshold, int maxResults) {

    public DetectorOptions {
        if (!(minScore >= 0 && minScore <= 1)) throw new IllegalArgumentException("min score must be in [0, 1], got " + minScore);
        if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new IllegalArgumentException("IoU threshold must be in [0, 1], got " + iouThreshold);
        if (maxResults < 1) throw new IllegalArgumentException("max results must be >= 1, got " + maxResults);
    }

    public static Builder builder(DetectorOptions base) {
        return new Builder(base);
    }

    public DetectorOptions withMinScore(float s) {
        return new DetectorOptions(s, iouThreshold, maxResults);
    }

    public DetectorOptions withIouThreshold(float t) {
        return new DetectorOptions(minScore, t, maxResults);
    }

    public DetectorOptions withMaxResults(int n) {
        return new DetectorOptions(minScore, iouThreshold, n);
    }

    public static final class Builder {
        private float minScore, iou;
        private int max;

        private Builder(DetectorOptions base) {
            this.minScore = base.minScore;
            this.iou = base.iouThreshold;
            this.max = base.maxResults;
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
            return new DetectorOptions(minScore, iou, max);
        }
    }
}
