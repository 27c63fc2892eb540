package io.mssd.tools.cli;

import com.google.gson.Gson;
import io.mssd.ssd.box.Box;
import io.mssd.ssd.track.LineCounter;
import io.mssd.ssd.track.TrackedObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The count lines of `mssd video` JSON: the same bytes on every run for the same counts. */
class TrackJsonTest {
    private static TrackedObject at(int id, String label, double cx, double bottom) {
        return new TrackedObject(id, label, 0.9f, new Box((float) (cx - 10), (float) (bottom - 40), (float) (cx + 10), (float) bottom));
    }

    @Test
    void countsKeepTheirFieldOrder() {
        LineCounter c = new LineCounter(100, 200, 300, 200); // "in" is downwards
        for (double y = 150; y <= 250; y += 10) c.update(List.of(at(1, "person", 200, y), at(2, "car", 150, 400 - y)));
        // Map.of's iteration order is salted per JVM, so "in" and "out" used to swap places between runs
        assertEquals("[{\"line\":[100.0,200.0,300.0,200.0],\"in\":1,\"out\":1,"
                        + "\"by_label\":{\"car\":{\"in\":0,\"out\":1},\"person\":{\"in\":1,\"out\":0}}}]",
                new Gson().toJson(TrackJson.counts(List.of(c))));
    }
}
