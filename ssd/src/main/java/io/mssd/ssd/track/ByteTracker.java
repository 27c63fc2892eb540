package io.mssd.ssd.track;

import io.mssd.ssd.Detection;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ByteTrack (Zhang et al., ECCV 2022) as its reference BYTETracker does it, step by step: Kalman
 * prediction of tracked and lost tracks, a first association with the high-score detections (IoU
 * distance fused with the detection score), a second one of the still-unmatched tracked tracks with
 * the low-score detections, unconfirmed tracks against what is left, new tracks, expiry of lost tracks,
 * and removal of duplicates between tracked and lost tracks. IoU uses the reference's +1 pixel box
 * areas. Class-agnostic; a track's label is its last matched detection's. One instance per video;
 * not thread-safe. Identities start at 1.
 */
public final class ByteTracker {
    private final ByteTrackerOptions opt;
    private final KalmanBoxFilter kf = new KalmanBoxFilter();
    private List<Track> tracked = new ArrayList<>(), lost = new ArrayList<>();
    private final Set<Integer> removedIds = new HashSet<>();
    private int frame, nextId;

    public ByteTracker(ByteTrackerOptions options) {
        this.opt = options;
    }

    public ByteTrackerOptions options() {
        return opt;
    }

    /** Identities handed out so far. */
    public int tracksCreated() {
        return nextId;
    }

    /** The next frame's detections (boxes in pixels); returns the confirmed tracks of this frame. */
    public List<TrackedObject> update(List<Detection> detections) {
        frame++;
        List<Track> activatedNow = new ArrayList<>(), refound = new ArrayList<>(), lostNow = new ArrayList<>(), removedNow = new ArrayList<>();
        List<Track> high = new ArrayList<>(), low = new ArrayList<>();
        for (Detection d : detections) {
            float s = d.score();
            Track t = new Track(d.box().x1(), d.box().y1(), d.box().x2(), d.box().y2(), s, d.label());
            if (s > opt.trackThresh()) high.add(t);
            else if (s > 0.1f && s < opt.trackThresh()) low.add(t);
        }
        List<Track> unconfirmed = new ArrayList<>(), confirmed = new ArrayList<>();
        for (Track t : tracked) (t.activated ? confirmed : unconfirmed).add(t);

        // first association: tracked and lost tracks, predicted, against the high-score detections
        List<Track> pool = joint(confirmed, lost);
        for (Track t : pool) {
            double[] mean = t.kalman.mean().clone();
            if (t.state != Track.State.TRACKED) mean[7] = 0;
            t.kalman = kf.predict(new KalmanBoxFilter.State(mean, t.kalman.cov()));
        }
        double[] cost = fuseScore(iouDistance(pool, high), high, pool.size());
        int[] m = LinearAssignment.solve(cost, pool.size(), high.size(), opt.matchThresh());
        boolean[] detUsed = new boolean[high.size()];
        List<Track> poolLeft = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            Track t = pool.get(i);
            if (m[i] < 0) {
                poolLeft.add(t);
                continue;
            }
            detUsed[m[i]] = true;
            if (t.state == Track.State.TRACKED) {
                t.update(kf, high.get(m[i]), frame);
                activatedNow.add(t);
            } else {
                t.reactivate(kf, high.get(m[i]), frame);
                refound.add(t);
            }
        }
        // second association: the unmatched tracked tracks against the low-score detections, IoU alone
        List<Track> rTracked = new ArrayList<>();
        for (Track t : poolLeft) if (t.state == Track.State.TRACKED) rTracked.add(t);
        int[] m2 = LinearAssignment.solve(iouDistance(rTracked, low), rTracked.size(), low.size(), 0.5);
        for (int i = 0; i < rTracked.size(); i++) {
            Track t = rTracked.get(i);
            if (m2[i] >= 0) {
                if (t.state == Track.State.TRACKED) {
                    t.update(kf, low.get(m2[i]), frame);
                    activatedNow.add(t);
                } else {
                    t.reactivate(kf, low.get(m2[i]), frame);
                    refound.add(t);
                }
            } else if (t.state != Track.State.LOST) {
                t.state = Track.State.LOST;
                lostNow.add(t);
            }
        }
        // unconfirmed tracks (one frame old) against the high-score detections left
        List<Track> left = new ArrayList<>();
        for (int j = 0; j < high.size(); j++) if (!detUsed[j]) left.add(high.get(j));
        int[] m3 = LinearAssignment.solve(fuseScore(iouDistance(unconfirmed, left), left, unconfirmed.size()), unconfirmed.size(),
                left.size(), 0.7);
        boolean[] leftUsed = new boolean[left.size()];
        for (int i = 0; i < unconfirmed.size(); i++) {
            Track t = unconfirmed.get(i);
            if (m3[i] >= 0) {
                leftUsed[m3[i]] = true;
                t.update(kf, left.get(m3[i]), frame);
                activatedNow.add(t);
            } else {
                t.state = Track.State.REMOVED;
                removedNow.add(t);
            }
        }
        // new tracks from confident detections nobody took
        for (int j = 0; j < left.size(); j++) {
            Track t = left.get(j);
            if (leftUsed[j] || t.score < opt.trackThresh() + 0.1f) continue;
            t.activate(kf, frame, ++nextId);
            activatedNow.add(t);
        }
        for (Track t : lost) {
            if (frame - t.frameId > opt.maxTimeLost()) {
                t.state = Track.State.REMOVED;
                removedNow.add(t);
            }
        }
        // the reference's bookkeeping, in its order (tracks removed this frame leave the lost list next frame)
        List<Track> keep = new ArrayList<>();
        for (Track t : tracked) if (t.state == Track.State.TRACKED) keep.add(t);
        tracked = joint(joint(keep, activatedNow), refound);
        lost = sub(lost, tracked);
        lost.addAll(lostNow);
        lost = subIds(lost, removedIds);
        for (Track t : removedNow) removedIds.add(t.id);
        removeDuplicates();
        List<TrackedObject> out = new ArrayList<>();
        for (Track t : tracked) if (t.activated) out.add(t.output());
        return out;
    }

    private void removeDuplicates() {
        double[] d = iouDistance(tracked, lost);
        Set<Integer> dupA = new HashSet<>(), dupB = new HashSet<>();
        for (int p = 0; p < tracked.size(); p++) {
            for (int q = 0; q < lost.size(); q++) {
                if (!(d[p * lost.size() + q] < 0.15)) continue;
                int timeP = tracked.get(p).frameId - tracked.get(p).startFrame, timeQ = lost.get(q).frameId - lost.get(q).startFrame;
                if (timeP > timeQ) dupB.add(q);
                else dupA.add(p);
            }
        }
        List<Track> a = new ArrayList<>(), b = new ArrayList<>();
        for (int i = 0; i < tracked.size(); i++) if (!dupA.contains(i)) a.add(tracked.get(i));
        for (int i = 0; i < lost.size(); i++) if (!dupB.contains(i)) b.add(lost.get(i));
        tracked = a;
        lost = b;
    }

    private static List<Track> joint(List<Track> a, List<Track> b) {
        Set<Integer> ids = new HashSet<>();
        List<Track> out = new ArrayList<>();
        for (Track t : a) {
            ids.add(t.id);
            out.add(t);
        }
        for (Track t : b) if (ids.add(t.id)) out.add(t);
        return out;
    }

    private static List<Track> sub(List<Track> a, List<Track> b) {
        Map<Integer, Track> m = new LinkedHashMap<>();
        for (Track t : a) m.put(t.id, t);
        for (Track t : b) m.remove(t.id);
        return new ArrayList<>(m.values());
    }

    private static List<Track> subIds(List<Track> a, Set<Integer> ids) {
        Map<Integer, Track> m = new LinkedHashMap<>();
        for (Track t : a) m.put(t.id, t);
        for (Integer id : ids) m.remove(id);
        return new ArrayList<>(m.values());
    }

    /** 1 - IoU between every track (its current box) and every detection, with the reference's +1 pixel areas. */
    static double[] iouDistance(List<Track> a, List<Track> b) {
        double[] d = new double[a.size() * b.size()];
        for (int i = 0; i < a.size(); i++) {
            double[] p = a.get(i).tlbr();
            for (int j = 0; j < b.size(); j++) d[i * b.size() + j] = 1 - iou(p, b.get(j).tlbr());
        }
        return d;
    }

    /** IoU as cython_bbox computes it: widths and heights are x2 - x1 + 1. */
    static double iou(double[] p, double[] q) {
        double iw = Math.min(p[2], q[2]) - Math.max(p[0], q[0]) + 1;
        if (iw <= 0) return 0;
        double ih = Math.min(p[3], q[3]) - Math.max(p[1], q[1]) + 1;
        if (ih <= 0) return 0;
        double ua = (p[2] - p[0] + 1) * (p[3] - p[1] + 1) + (q[2] - q[0] + 1) * (q[3] - q[1] + 1) - iw * ih;
        return iw * ih / ua;
    }

    /** 1 - IoU x detection score. */
    private static double[] fuseScore(double[] dist, List<Track> dets, int rows) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < dets.size(); j++) dist[i * dets.size() + j] = 1 - (1 - dist[i * dets.size() + j]) * dets.get(j).score;
        }
        return dist;
    }
}
