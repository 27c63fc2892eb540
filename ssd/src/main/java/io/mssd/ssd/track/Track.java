package io.mssd.ssd.track;

import io.mssd.ssd.box.Box;

/** A tracklet (ByteTrack's STrack): Kalman state, lifecycle and the identity the tracker gave it. Mutable; the tracker's own. */
final class Track {
    enum State { NEW, TRACKED, LOST, REMOVED }

    /** The detection box (top-left x, y, width, height) before the Kalman filter takes over. */
    private final double[] tlwh;
    KalmanBoxFilter.State kalman;
    State state = State.NEW;
    boolean activated;
    float score;
    String label;
    int id, frameId, startFrame, trackletLength;

    Track(double x1, double y1, double x2, double y2, float score, String label) {
        // the reference turns float32 corners into width and height in float32, then widens to float64
        this.tlwh = new double[] {x1, y1, (float) (x2 - x1), (float) (y2 - y1)};
        this.score = score;
        this.label = label;
    }

    /** (top-left x, y, width, height): the filter's mean once it has one. */
    double[] tlwh() {
        if (kalman == null) return tlwh.clone();
        double[] m = kalman.mean();
        double w = m[2] * m[3], h = m[3];
        return new double[] {m[0] - w / 2, m[1] - h / 2, w, h};
    }

    /** (x1, y1, x2, y2). */
    double[] tlbr() {
        double[] r = tlwh();
        r[2] += r[0];
        r[3] += r[1];
        return r;
    }

    static double[] xyah(double[] tlwh) {
        return new double[] {tlwh[0] + tlwh[2] / 2, tlwh[1] + tlwh[3] / 2, tlwh[2] / tlwh[3], tlwh[3]};
    }

    void activate(KalmanBoxFilter kf, int frame, int newId) {
        id = newId;
        kalman = kf.initiate(xyah(tlwh));
        trackletLength = 0;
        state = State.TRACKED;
        activated = frame == 1; // confirmed on its first frame only at the very start of the video
        frameId = frame;
        startFrame = frame;
    }

    void reactivate(KalmanBoxFilter kf, Track det, int frame) {
        kalman = kf.update(kalman, xyah(det.tlwh()));
        trackletLength = 0;
        state = State.TRACKED;
        activated = true;
        frameId = frame;
        score = det.score;
        label = det.label;
    }

    void update(KalmanBoxFilter kf, Track det, int frame) {
        frameId = frame;
        trackletLength++;
        kalman = kf.update(kalman, xyah(det.tlwh()));
        state = State.TRACKED;
        activated = true;
        score = det.score;
        label = det.label;
    }

    TrackedObject output() {
        double[] b = tlbr();
        return new TrackedObject(id, label, score, new Box((float) b[0], (float) b[1], (float) b[2], (float) b[3]));
    }
}
