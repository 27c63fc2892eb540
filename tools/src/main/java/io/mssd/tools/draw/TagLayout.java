package io.mssd.tools.draw;

import java.util.ArrayList;
import java.util.List;

/**
 * Places the label tags of boxes so that they stay inside the frame and, where the frame allows,
 * do not cover each other: each tag takes the first free spot of above-left, inside-top-left,
 * below-left, inside-bottom-left and above-right of its box (spots off the top or bottom of the
 * frame skipped), else the spot it overlaps least.
 * Tags are placed in the order given (highest score first gets its preferred spot).
 */
public final class TagLayout {
    private TagLayout() {}

    /** A box (x1, y1, x2, y2) and the size of its tag, in pixels. */
    public record Item(int x1, int y1, int x2, int y2, int tagW, int tagH) {}

    /** The tag rectangles as {x, y, w, h}, one per item, in the items' order. */
    public static List<int[]> place(List<Item> items, int frameW, int frameH) {
        List<int[]> placed = new ArrayList<>(items.size());
        for (Item it : items) {
            int w = it.tagW(), h = it.tagH();
            int[][] candidates = {
                {it.x1(), it.y1() - h}, {it.x1(), it.y1()}, {it.x1(), it.y2()}, {it.x1(), it.y2() - h}, {it.x2() - w, it.y1() - h}};
            int[] best = null;
            long bestOverlap = Long.MAX_VALUE;
            for (int[] c : candidates) {
                // a spot off the top or bottom of the frame is no spot (x is pulled inside instead)
                if (c[1] < 0 || c[1] + h > frameH) continue;
                int[] r = {clamp(c[0], frameW - w), clamp(c[1], frameH - h), w, h};
                long overlap = 0;
                for (int[] p : placed) overlap += intersection(r, p);
                if (overlap < bestOverlap) {
                    best = r;
                    bestOverlap = overlap;
                    if (overlap == 0) break;
                }
            }
            // a box taller than the frame, or a tag taller than it: pull the first spot inside
            placed.add(best != null ? best
                    : new int[] {clamp(candidates[0][0], frameW - w), clamp(candidates[0][1], frameH - h), w, h});
        }
        return placed;
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(v, Math.max(0, max)));
    }

    private static long intersection(int[] a, int[] b) {
        long w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
        long h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
        return w > 0 && h > 0 ? w * h : 0;
    }
}
