package io.mssd.tools.cli;

import io.mssd.ssd.track.LineCounter;
import io.mssd.ssd.track.TrackedObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The track and count shapes of `mssd video --track --json` lines. */
public final class TrackJson {
    private TrackJson() {}

    /** [{"id", "label", "score", "box": [x1, y1, x2, y2]}]. */
    public static List<Map<String, Object>> of(List<TrackedObject> tracks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TrackedObject t : tracks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("label", t.label());
            m.put("score", DetectionJson.round(t.score(), 5));
            m.put("box", new double[] {DetectionJson.round(t.box().x1(), 2), DetectionJson.round(t.box().y1(), 2),
                    DetectionJson.round(t.box().x2(), 2), DetectionJson.round(t.box().y2(), 2)});
            out.add(m);
        }
        return out;
    }

    /** Per count line: {"line": [x1, y1, x2, y2], "in": n, "out": m, "by_label": {label: {"in", "out"}}}. */
    public static List<Object> counts(List<LineCounter> counters) {
        List<Object> out = new ArrayList<>();
        for (LineCounter c : counters) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", c.segment());
            m.put("in", c.totalIn());
            m.put("out", c.totalOut());
            Map<String, Object> by = new LinkedHashMap<>();
            c.counts().forEach((label, n) -> {
                Map<String, Object> inOut = new LinkedHashMap<>(); // not Map.of: its order changes from run to run
                inOut.put("in", n.in());
                inOut.put("out", n.out());
                by.put(label, inOut);
            });
            m.put("by_label", by);
            out.add(m);
        }
        return out;
    }
}
