package io.mssd.tools.cli;

import com.google.gson.GsonBuilder;
import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.ssd.RgbImage;
import io.mssd.tools.draw.DetectionOverlay;
import io.mssd.tools.image.MatImages;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mssd detect}: objects in one image, as text, JSON and/or an annotated image. */
@Command(name = "detect", mixinStandardHelpOptions = true, description = "Detect objects in an image.")
public final class DetectCommand implements Callable<Integer> {

    @Option(names = "--image", required = true, description = "Image file (PNG, JPEG, ...).")
    Path image;

    @Mixin
    ModelOptions model;

    @Mixin
    OnlyOption only;

    @Option(names = "--out", description = "Write the image with boxes, labels and scores drawn (PNG/JPEG by extension).")
    Path out;

    @Option(names = "--json", description = "Print {\"image\", \"width\", \"height\", \"detections\": [{\"label\", \"score\", \"box\": [x1,y1,x2,y2]}]}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        RgbImage img = MatImages.read(image);
        List<Detection> dets;
        try (Detector d = model.load()) {
            dets = d.detect(img, model.options(d));
            java.util.Set<String> keep = only.labels(d.model().labels());
            if (keep != null) dets = dets.stream().filter(x -> keep.contains(x.label())).toList();
        }
        if (out != null) {
            try (Mat bgr = MatImages.toBgr(img)) {
                DetectionOverlay.draw(bgr, dets);
                MatImages.write(bgr, out);
            }
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("image", image.toString());
            m.put("width", img.width());
            m.put("height", img.height());
            m.put("detections", DetectionJson.of(dets));
            System.out.println(new GsonBuilder().create().toJson(m));
        } else {
            System.out.printf(Locale.ROOT, "%s: %dx%d, %d detection%s%n", image, img.width(), img.height(), dets.size(),
                    dets.size() == 1 ? "" : "s");
            for (Detection d : dets) {
                System.out.printf(Locale.ROOT, "  %-12s %.3f  [%.1f, %.1f, %.1f, %.1f]%n", d.label(), d.score(),
                        d.box().x1(), d.box().y1(), d.box().x2(), d.box().y2());
            }
            if (out != null) System.out.println("wrote " + out);
        }
        return 0;
    }
}
