package io.mssd.ssd.track;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts tracks crossing a line segment, per direction and label: a track is counted when the
 * bottom-centre of its box moves from one side of the segment's line to the other along a path that
 * meets the segment itself; "in" is from the left of the directed segment (x1, y1) -> (x2, y2) to its
 * right (in image coordinates, y down), "out" the other way. Each track counts at most once per
 * direction. A point exactly on the line is no side: touching without passing over counts nothing.
 */
public final class LineCounter {
    /** Crossings of one label. */
    public record Counts(int in, int out) {}

    private final double x1, y1, x2, y2;
    private final Map<Integer, double[]> lastSide = new HashMap<>(); // track id -> {x, y, side} of its last off-line point
    private final Map<Integer, boolean[]> counted = new HashMap<>();
    private final Map<String, int[]> counts = new TreeMap<>();

    public LineCounter(double x1, double y1, double x2, double y2) {
        if (x1 == x2 && y1 == y2) throw new IllegalArgumentException("count line has no length: (" + x1 + ", " + y1 + ") twice");
        this.x1 = x1;
        this.y1 = y1;
        this.x2 = x2;
        this.y2 = y2;
    }

    public double[] segment() {
        return new double[] {x1, y1, x2, y2};
    }

    /** Feeds one frame's tracks. */
    public void update(Iterable<TrackedObject> tracks) {
        for (TrackedObject t : tracks) {
            double px = (t.box().x1() + t.box().x2()) / 2.0, py = t.box().y2();
            double side = Math.signum(cross(px, py));
            if (side == 0) continue;
            double[] prev = lastSide.get(t.id());
            lastSide.put(t.id(), new double[] {px, py, side});
            if (prev == null || prev[2] == side || !meetsSegment(prev[0], prev[1], px, py)) continue;
            // image y points down: a positive cross product is the right-hand side of the directed segment
            int dir = prev[2] < 0 ? 0 : 1;
            boolean[] done = counted.computeIfAbsent(t.id(), k -> new boolean[2]);
            if (done[dir]) continue;
            done[dir] = true;
            counts.computeIfAbsent(t.label(), k -> new int[2])[dir]++;
        }
    }

    private double cross(double px, double py) {
        return (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1);
    }

    /** Whether the move (ax, ay) -> (bx, by), whose ends lie on opposite sides of the line, passes through the segment. */
    private boolean meetsSegment(double ax, double ay, double bx, double by) {
        double d1 = (bx - ax) * (y1 - ay) - (by - ay) * (x1 - ax), d2 = (bx - ax) * (y2 - ay) - (by - ay) * (x2 - ax);
        return (d1 <= 0 && d2 >= 0) || (d1 >= 0 && d2 <= 0);
    }

    /** Counts so far by label (labels in alphabetical order). */
    public Map<String, Counts> counts() {
        Map<String, Counts> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, new Counts(v[0], v[1])));
        return m;
    }

    public int totalIn() {
        return counts.values().stream().mapToInt(v -> v[0]).sum();
    }

    public int totalOut() {
        return counts.values().stream().mapToInt(v -> v[1]).sum();
    }
}
