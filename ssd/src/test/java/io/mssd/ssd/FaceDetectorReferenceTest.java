package io.mssd.ssd;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mssd.ssd.anchors.AnchorGenerator;
import io.mssd.ssd.anchors.Anchors;
import io.mssd.ssd.box.Box;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.ssd.model.TfjsSsdMobileNetV1;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded face detector against TensorFlow.js 4.22 running face-api 1.7.15 (fixtures/faceapi-ssd). */
class FaceDetectorReferenceTest {
    static JsonObject reference;
    static Detector detector;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = FaceDetectorReferenceTest.class.getResourceAsStream("/faceapi-ssd/reference.json")) {
            reference = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
        detector = Detector.load(ModelZoo.FACE, 2);
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    static RgbImage image(String name) throws IOException {
        try (InputStream in = FaceDetectorReferenceTest.class.getResourceAsStream("/faceapi-ssd/" + name + ".png")) {
            return RgbImage.of(ImageIO.read(in));
        }
    }

    @Test
    void generatedAnchorsEqualTheStoredOnes() {
        Anchors stored = detector.model().anchors();
        List<AnchorGenerator.FeatureMap> maps = new ArrayList<>();
        for (int s : new int[] {32, 16, 8, 4, 2, 1}) maps.add(new AnchorGenerator.FeatureMap(s, s));
        Anchors generated = TfjsSsdMobileNetV1.anchorGenerator().generate(maps);
        assertEquals(5118, generated.count());
        float[] a = stored.cornersYxyx(), b = generated.cornersYxyx();
        double err = 0;
        for (int i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
        assertTrue(err <= 1e-4, "max anchor difference " + err);
    }

    @ParameterizedTest
    @ValueSource(strings = {"messi5", "baboon", "squirrel_cls", "Megamind_f060", "Megamind_f120", "Megamind_f240", "vtest_f200"})
    void rawOutputsAndDetectionsEqualTensorFlowJs(String name) throws IOException {
        JsonObject ref = reference.getAsJsonObject(name);
        RgbImage img = image(name);
        assertEquals(ref.get("width").getAsInt(), img.width());
        RawDetections raw = detector.infer(img);
        assertEquals(5118, raw.count());
        JsonArray scores = ref.getAsJsonArray("raw_scores"), boxes = ref.getAsJsonArray("raw_boxes_yxyx");
        double scoreErr = 0, boxErr = 0;
        for (int i = 0; i < 5118; i++) {
            scoreErr = Math.max(scoreErr, Math.abs(raw.score(i, 0) - scores.get(i).getAsDouble()));
            JsonArray b = boxes.get(i).getAsJsonArray();
            float[] ours = {raw.boxes()[i * 4 + 1], raw.boxes()[i * 4], raw.boxes()[i * 4 + 3], raw.boxes()[i * 4 + 2]};
            for (int j = 0; j < 4; j++) boxErr = Math.max(boxErr, Math.abs(ours[j] - b.get(j).getAsDouble()));
        }
        assertTrue(scoreErr <= 2e-3, name + ": max raw score error " + scoreErr);
        assertTrue(boxErr <= 2e-3, name + ": max raw box error " + boxErr);

        List<Detection> dets = detector.postprocess(raw, new DetectorOptions(0.3f, 0.5f, 100));
        JsonArray refDets = ref.getAsJsonArray("detections");
        assertEquals(refDets.size(), dets.size(), name + ": number of detections");
        for (int i = 0; i < refDets.size(); i++) {
            JsonObject r = refDets.get(i).getAsJsonObject();
            Box rb = new Box(r.get("x1").getAsFloat(), r.get("y1").getAsFloat(), r.get("x2").getAsFloat(), r.get("y2").getAsFloat());
            Detection best = dets.stream().max((p, q) -> Float.compare(p.box().iou(rb), q.box().iou(rb))).orElseThrow();
            assertTrue(best.box().iou(rb) >= 0.98, name + ": detection " + i + " IoU " + best.box().iou(rb));
            assertEquals(r.get("score").getAsDouble(), best.score(), 5e-3, name + ": detection " + i + " score");
            assertEquals("face", best.label());
        }
    }
}
