package io.mssd.ssd.track;

import io.mssd.ssd.box.Box;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counting on scripted tracks: a horizontal line from (100, 200) to (300, 200); "in" is downwards (its right-hand side). */
class LineCounterTest {
    static TrackedObject at(int id, String label, double cx, double bottom) {
        return new TrackedObject(id, label, 0.9f, new Box((float) (cx - 10), (float) (bottom - 40), (float) (cx + 10), (float) bottom));
    }

    static LineCounter walk(int id, String label, double cx0, double cx1, double... bottoms) {
        LineCounter c = new LineCounter(100, 200, 300, 200);
        for (int i = 0; i < bottoms.length; i++) {
            double cx = cx0 + (cx1 - cx0) * i / Math.max(1, bottoms.length - 1);
            c.update(List.of(at(id, label, cx, bottoms[i])));
        }
        return c;
    }

    @Test
    void bothDirectionsPerLabel() {
        LineCounter c = new LineCounter(100, 200, 300, 200);
        for (double y = 150; y <= 250; y += 10) c.update(List.of(at(1, "person", 200, y), at(2, "car", 150, 400 - y)));
        assertEquals(new LineCounter.Counts(1, 0), c.counts().get("person"));
        assertEquals(new LineCounter.Counts(0, 1), c.counts().get("car"));
        assertEquals(1, c.totalIn());
        assertEquals(1, c.totalOut());
    }

    @Test
    void touchingWithoutCrossingCountsNothing() {
        assertTrue(walk(1, "person", 200, 200, 150, 180, 200, 200, 190, 160).counts().isEmpty());
    }

    @Test
    void passingBesideTheSegmentCountsNothing() {
        // crosses the line y = 200 at x = 400, right of the segment's end
        assertTrue(walk(1, "person", 400, 400, 150, 250).counts().isEmpty());
    }

    @Test
    void crossingTwiceCountsOncePerDirection() {
        LineCounter c = walk(1, "person", 200, 200, 150, 250, 150, 250, 150);
        assertEquals(new LineCounter.Counts(1, 1), c.counts().get("person"));
    }

    @Test
    void aPointOnTheLineIsNoSideSoAStepOverItStillCounts() {
        assertEquals(new LineCounter.Counts(1, 0), walk(1, "bike", 200, 200, 190, 200, 210).counts().get("bike"));
    }
}
