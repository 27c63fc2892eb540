package io.mssd.tools.draw;

import io.mssd.ssd.box.Box;
import io.mssd.ssd.track.TrackedObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What drawing tracks needs beyond one frame: each identity's recent bottom-centre points (its
 * trail, up to {@code length}), forgotten once the identity has been unseen for more than
 * {@code forgetAfter} frames, and each identity's colour. One instance per video, one thread.
 */
public final class TrackTrails {
    private final int length, forgetAfter;
    private final Map<Integer, Deque<float[]>> trails = new HashMap<>();
    private final Map<Integer, Integer> lastSeen = new HashMap<>();
    private int frame;

    public TrackTrails(int length, int forgetAfter) {
        this.length = length;
        this.forgetAfter = forgetAfter;
    }

    /** Adds this frame's points and forgets stale identities. */
    public void update(List<TrackedObject> tracks) {
        frame++;
        for (TrackedObject t : tracks) {
            Deque<float[]> trail = trails.computeIfAbsent(t.id(), k -> new ArrayDeque<>());
            Box b = t.box();
            trail.addLast(new float[] {(b.x1() + b.x2()) / 2, b.y2()});
            if (trail.size() > length) trail.removeFirst();
            lastSeen.put(t.id(), frame);
        }
        for (Iterator<Map.Entry<Integer, Integer>> it = lastSeen.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Integer> e = it.next();
            if (frame - e.getValue() > forgetAfter) {
                trails.remove(e.getKey());
                it.remove();
            }
        }
    }

    /** The points of an identity, oldest first (x, y in frame pixels); empty if none. */
    public Iterable<float[]> trail(int id) {
        Deque<float[]> t = trails.get(id);
        return t == null ? List.of() : t;
    }

    public void clear() {
        trails.clear();
        lastSeen.clear();
    }

    /** An identity's colour as 0xRRGGBB: golden-ratio hues, so neighbouring identities get distant colours. */
    public static int rgb(int id) {
        return java.awt.Color.HSBtoRGB((float) ((id * 0.618033988749895) % 1.0), 0.85f, 1f) & 0xffffff;
    }
}
