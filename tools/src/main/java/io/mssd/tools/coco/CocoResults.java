package io.mssd.tools.coco;

import com.google.gson.stream.JsonWriter;
import io.mssd.ssd.Detection;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A COCO results file: detections of one image as entries, and the file written as pycocotools reads it. */
public final class CocoResults {
    private CocoResults() {}

    /** The image's detections whose label maps to a category, rounded as written (scoring the file gives the printed numbers). */
    public static List<CocoDetection> of(long imageId, List<Detection> detections, CategoryMapping map) {
        List<CocoDetection> out = new ArrayList<>();
        for (Detection det : detections) {
            long cat = map.categoryOf(det.classIndex());
            if (cat < 0) continue;
            out.add(new CocoDetection(imageId, cat, round(det.box().x1()), round(det.box().y1()), round(det.box().width()),
                    round(det.box().height()), round(det.score())));
        }
        return out;
    }

    static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    public static void write(List<CocoDetection> results, Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) throw new IllegalArgumentException(out + ": output folder does not exist");
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8); JsonWriter j = new JsonWriter(w)) {
            j.beginArray();
            for (CocoDetection d : results) {
                j.beginObject();
                j.name("image_id").value(d.imageId());
                j.name("category_id").value(d.categoryId());
                j.name("bbox").beginArray().value(d.x()).value(d.y()).value(d.w()).value(d.h()).endArray();
                j.name("score").value(d.score());
                j.endObject();
            }
            j.endArray();
        }
    }
}
