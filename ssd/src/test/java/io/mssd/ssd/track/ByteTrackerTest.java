package io.mssd.ssd.track;

import io.mssd.ssd.Detection;
import io.mssd.ssd.box.Box;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tracker on scripted detection sequences. */
class ByteTrackerTest {

    static Detection det(String label, float score, double x, double y, double w, double h) {
        return new Detection(label, 0, score, new Box((float) x, (float) y, (float) (x + w), (float) (y + h)));
    }

    static TrackedObject find(List<TrackedObject> ts, int id) {
        for (TrackedObject t : ts) if (t.id() == id) return t;
        return null;
    }

    @Test
    void twoObjectsCrossingKeepTheirIdentities() {
        ByteTracker tr = new ByteTracker(ByteTrackerOptions.DEFAULTS);
        int idA = -1, idB = -1;
        for (int f = 0; f < 40; f++) {
            // A walks right, B walks left, on rows 40 pixels apart, crossing at f = 20
            List<TrackedObject> out = tr.update(List.of(det("person", 0.9f, 10 + 10 * f, 100, 40, 100),
                    det("person", 0.9f, 410 - 10 * f, 140, 40, 100)));
            assertEquals(2, out.size(), "frame " + f);
            TrackedObject a = out.get(0).box().y1() < 120 ? out.get(0) : out.get(1), b = a == out.get(0) ? out.get(1) : out.get(0);
            if (f == 0) {
                idA = a.id();
                idB = b.id();
            }
            assertEquals(idA, a.id(), "frame " + f);
            assertEquals(idB, b.id(), "frame " + f);
            assertEquals(10 + 10 * f, a.box().x1(), f == 0 ? 1e-4 : 3, "frame " + f);
        }
        assertEquals(2, tr.tracksCreated());
    }

    @Test
    void aMissedFrameKeepsTheIdentity() {
        ByteTracker tr = new ByteTracker(ByteTrackerOptions.DEFAULTS);
        int id = tr.update(List.of(det("car", 0.8f, 100, 100, 50, 50))).get(0).id();
        tr.update(List.of(det("car", 0.8f, 105, 100, 50, 50)));
        assertEquals(0, tr.update(List.of()).size(), "lost while unseen");
        List<TrackedObject> back = tr.update(List.of(det("car", 0.8f, 115, 100, 50, 50)));
        assertEquals(1, back.size());
        assertEquals(id, back.get(0).id());
    }

    @Test
    void anOcclusionLongerThanTheBufferGivesANewIdentity() {
        ByteTracker tr = new ByteTracker(new ByteTrackerOptions(0.5f, 0.8, 5, 30)); // 5 frames of buffer
        int id = tr.update(List.of(det("dog", 0.9f, 100, 100, 50, 50))).get(0).id();
        tr.update(List.of(det("dog", 0.9f, 100, 100, 50, 50)));
        for (int f = 0; f < 7; f++) tr.update(List.of());
        tr.update(List.of(det("dog", 0.9f, 100, 100, 50, 50)));
        List<TrackedObject> out = tr.update(List.of(det("dog", 0.9f, 100, 100, 50, 50)));
        assertEquals(1, out.size());
        assertNotEquals(id, out.get(0).id());
        // within the buffer the same object comes back under its old identity
        ByteTracker tr2 = new ByteTracker(new ByteTrackerOptions(0.5f, 0.8, 5, 30));
        int id2 = tr2.update(List.of(det("dog", 0.9f, 100, 100, 50, 50))).get(0).id();
        tr2.update(List.of(det("dog", 0.9f, 100, 100, 50, 50)));
        for (int f = 0; f < 4; f++) tr2.update(List.of());
        assertEquals(id2, tr2.update(List.of(det("dog", 0.9f, 100, 100, 50, 50))).get(0).id());
    }

    @Test
    void aLowScoreDetectionRescuesATrackButStartsNone() {
        ByteTracker tr = new ByteTracker(ByteTrackerOptions.DEFAULTS);
        int id = tr.update(List.of(det("person", 0.9f, 100, 100, 40, 100))).get(0).id();
        tr.update(List.of(det("person", 0.9f, 102, 100, 40, 100)));
        // partly occluded: the detector is unsure (0.3), the second association keeps the track alive
        List<TrackedObject> out = tr.update(List.of(det("person", 0.3f, 104, 100, 40, 100), det("person", 0.3f, 400, 100, 40, 100)));
        assertEquals(1, out.size(), "the low-score detection far away starts no track");
        assertEquals(id, out.get(0).id());
        assertEquals(0.3f, out.get(0).score());
        // a detection between track_thresh (0.5) and track_thresh + 0.1 does not start a track either
        ByteTracker t2 = new ByteTracker(ByteTrackerOptions.DEFAULTS);
        assertEquals(0, t2.update(List.of(det("x", 0.55f, 0, 0, 10, 10))).size());
        assertEquals(0, t2.tracksCreated());
    }

    @Test
    void aTrackTakesTheLabelOfItsLastDetection() {
        ByteTracker tr = new ByteTracker(ByteTrackerOptions.DEFAULTS);
        tr.update(List.of(det("cat", 0.9f, 0, 0, 60, 60)));
        List<TrackedObject> out = tr.update(List.of(det("dog", 0.9f, 2, 0, 60, 60)));
        assertEquals("dog", out.get(0).label());
    }

    @Test
    void newTracksAfterTheFirstFrameAreConfirmedOnTheirSecond() {
        ByteTracker tr = new ByteTracker(ByteTrackerOptions.DEFAULTS);
        tr.update(List.of());
        assertEquals(0, tr.update(List.of(det("a", 0.9f, 0, 0, 30, 30))).size(), "unconfirmed");
        assertEquals(1, tr.update(List.of(det("a", 0.9f, 1, 0, 30, 30))).size());
        // a one-frame flicker is dropped without ever being returned
        ByteTracker t2 = new ByteTracker(ByteTrackerOptions.DEFAULTS);
        t2.update(List.of());
        t2.update(List.of(det("a", 0.9f, 0, 0, 30, 30)));
        List<TrackedObject> out = new ArrayList<>();
        for (int f = 0; f < 3; f++) out.addAll(t2.update(List.of()));
        assertTrue(out.isEmpty());
    }

    @Test
    void iouUsesThePlusOnePixelConvention() {
        // two 10x10 boxes (x2 - x1 = 9 with +1) overlapping by 5 columns: 50 / 150
        assertEquals(50.0 / 150, ByteTracker.iou(new double[] {0, 0, 9, 9}, new double[] {5, 0, 14, 9}), 1e-12);
    }
}
