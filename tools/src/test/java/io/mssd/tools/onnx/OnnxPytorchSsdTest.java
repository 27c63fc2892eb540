package io.mssd.tools.onnx;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mssd.core.nn.Workspace;
import io.mssd.core.tensor.Tensor;
import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.RgbImage;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.ssd.model.OnnxSsdImporter;
import io.mssd.ssd.model.SsdModel;
import io.mssd.ssd.preprocess.FrameMapping;
import io.mssd.tools.Npy;
import io.mssd.tools.SharedData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * pytorch-ssd's ONNX exports (MobileNetV1-SSD, MobileNetV2-SSD-Lite) against onnxruntime's outputs in
 * ../shared/fixtures/onnx-pytorch-ssd: raw scores and boxes fed the fixture's exact input tensors,
 * mssd's preprocessing against that tensor, and the final detections of pytorch-ssd's Predictor
 * logic (threshold 0.3, 200 best per class, hard NMS at 0.45). mssd clips boxes to the image, so the
 * reference boxes are clipped before comparing.
 */
class OnnxPytorchSsdTest {
    static final String[] IMAGES = {"messi5", "squirrel_cls", "vtest_f200"};

    static Path dir(String net) {
        return SharedData.shared().resolve("fixtures").resolve("onnx-pytorch-ssd").resolve(net);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mb1-ssd", "mb2-ssd-lite"})
    void equalsOnnxRuntime(String net) throws Exception {
        Path d = dir(net), file = d.resolve(net + ".onnx");
        if (!Files.exists(file)) System.err.println("SKIPPED ONNX fixture test: " + file + " not found");
        Assumptions.assumeTrue(Files.exists(file), "fixture not found");
        JsonObject ref = JsonParser.parseString(Files.readString(d.resolve("reference.json"))).getAsJsonObject().getAsJsonObject("images");
        try (Detector det = Detector.load("onnx:" + file, 2)) {
            SsdModel m = det.model();
            assertEquals(20, m.labels().size());
            assertEquals("person", m.labels().get(14));
            DetectorOptions opt = new DetectorOptions(0.3f, 0.45f, 100_000);
            for (String img : IMAGES) {
                Workspace ws = det.borrow();
                try {
                    Npy in = Npy.read(d.resolve(img + "_input.npy"));
                    // our preprocessing of the PNG is the fixture's tensor (cv2.resize INTER_LINEAR, RGB, (x - 127) / 128)
                    RgbImage px = RgbImage.of(ImageIO.read(d.getParent().resolve(img + ".png").toFile()));
                    FrameMapping map = m.preprocessor().apply(px, ws.input());
                    // (our INTER_LINEAR rounds a few values one step apart from OpenCV's SIMD path, as in StretchResizeVsOpenCvTest)
                    int differ = 0;
                    for (int i = 0; i < in.data().length; i++) if (in.data()[i] != ws.input().data()[i]) differ++;
                    assertTrue(maxDiff(in.data(), ws.input().data(), in.data().length) <= 1 / 128f + 1e-6, net + " " + img + " input");
                    assertTrue(differ <= in.data().length / 500, net + " " + img + ": " + differ + " input values differ");
                    System.arraycopy(in.data(), 0, ws.input().data(), 0, in.data().length);
                    ws.forward();
                    Tensor scores = ws.output(m.decodedOutputs().scoresLayer()), boxes = ws.output(m.decodedOutputs().boxesLayer());
                    Npy rs = Npy.read(d.resolve(img + "_scores.npy")), rb = Npy.read(d.resolve(img + "_boxes.npy"));
                    assertEquals(rs.data().length, scores.size());
                    assertEquals(rb.data().length, boxes.size());
                    double ds = maxDiff(rs.data(), scores.data(), rs.data().length), db = maxDiff(rb.data(), boxes.data(), rb.data().length);
                    System.out.printf("%s %s: max |mssd - onnxruntime| scores %.2e boxes %.2e%n", net, img, ds, db);
                    assertTrue(ds <= 1e-4, net + " " + img + " scores differ by " + ds);
                    assertTrue(db <= 1e-4, net + " " + img + " boxes differ by " + db);
                    List<Detection> got = det.postprocess(m.decode(ws, map), opt);
                    compare(net + " " + img, ref.getAsJsonObject(img + ".png"), got, m.labels());
                    // the whole public path from the image gives the same
                    // the whole public path from the PNG: the same detections but for those the one-step input differences tip
                    List<Detection> own = det.detect(px, opt);
                    long same = own.stream().filter(a -> got.stream().anyMatch(b -> b.label().equals(a.label())
                            && Math.abs(a.score() - b.score()) < 0.01 && a.box().iou(b.box()) > 0.95)).count();
                    assertTrue(same >= got.size() * 0.95, net + " " + img + ": " + same + " of " + got.size() + " detections kept");
                } finally {
                    det.release(ws);
                }
            }
        }
    }

    /**
     * For training and export, the export is taken back to predictors, priors and variances (measured on
     * its own decoding): that model computes the graph's scores and boxes, and survives mssd's format.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mb1-ssd", "mb2-ssd-lite"})
    void unwrappedForTrainingComputesTheSame(String net, @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path d = dir(net), file = d.resolve(net + ".onnx");
        if (!Files.exists(file)) System.err.println("SKIPPED ONNX unwrap test: " + file + " not found");
        Assumptions.assumeTrue(Files.exists(file), "fixture not found");
        SsdModel decoded = ModelZoo.load("onnx:" + file), plain = ModelZoo.loadFloat("onnx:" + file, null);
        assertEquals(null, plain.decodedOutputs());
        assertEquals(3000, plain.anchorCount());
        assertEquals(6, plain.predictors().size());
        io.mssd.ssd.model.MssdModelFormat.write(plain, tmp, new com.google.gson.JsonObject());
        SsdModel reread = io.mssd.ssd.model.MssdModelFormat.read(tmp);
        Npy in = Npy.read(d.resolve("messi5_input.npy"));
        FrameMapping unit = new FrameMapping(1, 1, 1, 1);
        io.mssd.ssd.RawDetections want = null;
        for (SsdModel m : new SsdModel[] {decoded, plain, reread}) {
            try (Detector det = new Detector(m, 1)) {
                Workspace ws = det.borrow();
                System.arraycopy(in.data(), 0, ws.input().data(), 0, in.data().length);
                ws.forward();
                io.mssd.ssd.RawDetections raw = m.decode(ws, unit);
                if (want == null) {
                    want = raw;
                    continue;
                }
                double db = maxDiff(want.boxes(), raw.boxes(), raw.boxes().length), ds = maxDiff(want.scores(), raw.scores(), raw.scores().length);
                assertTrue(db < 1e-5 && ds < 1e-5, net + ": boxes differ by " + db + ", scores by " + ds);
            }
        }
    }

    static double maxDiff(float[] a, float[] b, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    /** Same detections as the reference: number, label, score within 1e-4, clipped box within 1e-3 relative. */
    static void compare(String what, JsonObject image, List<Detection> got, List<String> labels) {
        int w = image.get("width").getAsInt(), h = image.get("height").getAsInt();
        JsonArray want = image.getAsJsonArray("detections_p0.3");
        assertEquals(want.size(), got.size(), what + ": number of detections");
        List<Detection> left = new ArrayList<>(got);
        for (JsonElement e : want) {
            JsonObject o = e.getAsJsonObject();
            String label = labels.get(o.get("class").getAsInt() - 1);
            float score = o.get("score").getAsFloat();
            JsonArray b = o.getAsJsonArray("box");
            float[] box = {clamp(b.get(0).getAsFloat(), w), clamp(b.get(1).getAsFloat(), h), clamp(b.get(2).getAsFloat(), w),
                clamp(b.get(3).getAsFloat(), h)};
            Detection match = null;
            for (Detection g : left) {
                if (g.label().equals(label) && Math.abs(g.score() - score) <= 1e-4 && close(g.box().x1(), box[0], w) && close(g.box().y1(), box[1], h)
                        && close(g.box().x2(), box[2], w) && close(g.box().y2(), box[3], h)) {
                    match = g;
                    break;
                }
            }
            if (match == null) fail(what + ": no detection matches reference " + o);
            left.remove(match);
        }
    }

    static float clamp(float v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    /** Within 1e-3 relative (of the image side, for coordinates near 0). */
    static boolean close(float a, float b, int side) {
        return Math.abs(a - b) <= 1e-3 * Math.max(Math.abs(b), 1e-2 * side);
    }
}
