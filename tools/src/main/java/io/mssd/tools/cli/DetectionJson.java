package io.mssd.tools.cli;

import io.mssd.ssd.Detection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The detection shape shared by `mssd detect --json` and `mssd video --json`. */
public final class DetectionJson {
    private DetectionJson() {}

    public static List<Map<String, Object>> of(List<Detection> detections) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Detection d : detections) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", d.label());
            m.put("score", round(d.score(), 5));
            m.put("box", new double[] {round(d.box().x1(), 2), round(d.box().y1(), 2), round(d.box().x2(), 2), round(d.box().y2(), 2)});
            out.add(m);
        }
        return out;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
