package io.mssd.tools.tflite;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.tflite.TfliteModel;
import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.RgbImage;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.tools.image.MatImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TensorFlow's quantised COCO SSD-MobileNetV1 (detect.tflite, from ../shared/models or MSSD_MODELS)
 * with reference-kernel requantisation (half away from zero) against Arm NN 22's CpuRef outputs
 * (fixtures/tflite-coco-ssd): the same detections up to score ties, scores within 2/256, boxes within
 * 0.01. Skips, saying why, when the model file is absent. TfliteVsInterpreterTest checks the default
 * (TensorFlow Lite's interpreter) against its own reference.
 */
class TfliteVsArmNnTest {
    static final String[] IMAGES = {"messi5", "fruits", "home", "baboon", "vtest_f100", "Megamind_f120"};
    static JsonObject reference;
    static Detector detector;
    static int exact, total;

    static Path modelFile() {
        String env = System.getenv("MSSD_MODELS");
        Path base = env != null ? Path.of(env) : Path.of(System.getProperty("mssd.shared", "../../shared"), "models");
        return base.resolve("coco-ssd-mobilenet-v1-quant").resolve("detect.tflite");
    }

    @BeforeAll
    static void load() throws IOException {
        Path model = modelFile();
        if (!Files.exists(model)) System.err.println("SKIPPED TFLite tests: model not found at " + model.toAbsolutePath()
                + " (set MSSD_MODELS or put ../shared beside the repository)");
        Assumptions.assumeTrue(Files.exists(model), "TFLite model not found at " + model.toAbsolutePath());
        try (InputStream in = TfliteVsArmNnTest.class.getResourceAsStream("/tflite-coco-ssd/reference.json")) {
            reference = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
        // Arm NN's CpuRef rounds requantisation half away from zero, as TFLite's reference kernels
        detector = new Detector(io.mssd.ssd.model.TfliteSsdImporter.load(model.getFileName().toString(),
                TfliteModel.read(model), null, io.mssd.core.nn.Requantize.Rounding.HALF_AWAY_FROM_ZERO), 2);
    }

    @AfterAll
    static void close() {
        if (detector != null) detector.close();
        if (total > 0) System.err.println("TFLite vs Arm NN: " + exact + " of " + total + " reference detections match exactly"
                + " (same label and score, box within 1e-4)");
    }

    /** TFLite_Detection_PostProcess keeps scores >= 1e-8: all its 10 detections. */
    static final DetectorOptions ALL = new DetectorOptions(0f, 0.6f, 10);

    static int within2, near, unmatched;

    /**
     * Each reference detection is paired with our same-label detection of least (box error / 0.01 +
     * score error / (2/256)). Confident ones (score >= 0.5) must pair within the tolerances
     * (score 2/256, box 0.01) or, on a requantisation rounding edge, within twice that; all
     * detections are counted for the report (see the closing note: low-scoring ones differ more).
     */
    static void assertMatches(String name, List<Detection> ours, int w, int h, boolean count) {
        JsonArray ref = reference.getAsJsonObject(name).getAsJsonArray("detections");
        assertEquals(ref.size(), ours.size(), name + ": number of detections");
        List<Detection> unused = new ArrayList<>(ours);
        float lowest = Float.MAX_VALUE;
        for (int i = 0; i < ref.size(); i++) lowest = Math.min(lowest, ref.get(i).getAsJsonObject().get("score").getAsFloat());
        for (int i = 0; i < ref.size(); i++) {
            JsonObject r = ref.get(i).getAsJsonObject();
            JsonArray b = r.getAsJsonArray("box_yxyx_norm");
            float rs = r.get("score").getAsFloat();
            float[] yxyx = new float[4];
            for (int j = 0; j < 4; j++) yxyx[j] = Math.min(1, Math.max(0, b.get(j).getAsFloat()));
            Detection best = null;
            double bestCost = Double.MAX_VALUE, bestBox = 1, bestScore = 1;
            for (Detection d : unused) {
                if (!d.label().equals(r.get("label").getAsString())) continue;
                float[] o = {d.box().y1() / h, d.box().x1() / w, d.box().y2() / h, d.box().x2() / w};
                double err = 0;
                for (int j = 0; j < 4; j++) err = Math.max(err, Math.abs(o[j] - yxyx[j]));
                double ds = Math.abs(d.score() - rs);
                double cost = err / 0.01 + ds / (2.0 / 256);
                if (cost < bestCost) {
                    bestCost = cost;
                    best = d;
                    bestBox = err;
                    bestScore = ds;
                }
            }
            boolean tight = best != null && bestBox <= 0.01 && bestScore <= 2.0 / 256 + 1e-6;
            boolean close = best != null && bestBox <= 0.02 && bestScore <= 4.0 / 256 + 1e-6;
            if (rs >= 0.5 && rs > lowest) { // a tie at the 10th place may keep another box
                assertTrue(close, name + ": confident reference detection " + i + " (" + r + ") has no counterpart (best: box error "
                        + bestBox + ", score error " + bestScore * 256 + "/256)");
            }
            if (close) unused.remove(best);
            if (count) {
                total++;
                if (tight) within2++;
                else if (close) near++;
                else unmatched++;
                if (best != null && bestBox <= 1e-4 && bestScore == 0) exact++;
            }
        }
    }

    @AfterAll
    static void summary() {
        if (total > 0) System.err.println("TFLite vs Arm NN (300x300 inputs): of " + total + " reference detections " + within2
                + " are within score 2/256 and box 0.01, " + near + " within 4/256 and 0.02, " + unmatched + " without a counterpart");
    }

    @ParameterizedTest
    @ValueSource(strings = {"messi5", "fruits", "home", "baboon", "vtest_f100", "Megamind_f120"})
    void networkOnTheExact300x300Input(String name) throws IOException {
        RgbImage img;
        try (InputStream in = TfliteVsArmNnTest.class.getResourceAsStream("/tflite-coco-ssd/" + name + "_rgb300.png")) {
            img = RgbImage.of(ImageIO.read(in));
        }
        assertMatches(name, detector.detect(img, ALL), 300, 300, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"messi5", "fruits", "vtest_f100"})
    void fullImagesThroughOurResize(String name) throws IOException {
        Path full = Path.of(System.getProperty("mssd.shared", "../../shared"), "fixtures", "tflite-coco-ssd", name + ".png");
        Assumptions.assumeTrue(Files.exists(full), "fixture image not found: " + full);
        RgbImage img = MatImages.read(full);
        JsonObject r = reference.getAsJsonObject(name);
        assertEquals(r.get("width").getAsInt(), img.width());
        assertMatches(name, detector.detect(img, ALL), img.width(), img.height(), false);
    }

    @Test
    void labelsPutPersonOnCocoCategory1() {
        assertEquals("person", detector.model().labels().get(0));
        assertEquals("toothbrush", detector.model().labels().get(89));
        assertEquals(90, detector.model().labels().size());
    }

    @Test
    void corruptFilesAreClearErrors() throws IOException {
        byte[] bytes = Files.readAllBytes(modelFile());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TfliteModel.parse(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, "x.tflite"));
        assertTrue(e.getMessage().contains("x.tflite") && e.getMessage().contains("not a TensorFlow Lite model"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> {
            TfliteModel m = TfliteModel.parse(java.util.Arrays.copyOf(bytes, bytes.length / 3), "cut.tflite");
            io.mssd.ssd.model.TfliteSsdImporter.load("cut", m, null);
        });
        assertTrue(e.getMessage().contains("cut.tflite"), e.getMessage());
        // cut inside the tables themselves: offsets point past the end
        e = assertThrows(ModelFormatException.class, () -> TfliteModel.parse(java.util.Arrays.copyOf(bytes, 100_000), "head.tflite"));
        assertTrue(e.getMessage().contains("head.tflite") && e.getMessage().contains("past the end of the 100000-byte file"),
                e.getMessage());
    }
}
