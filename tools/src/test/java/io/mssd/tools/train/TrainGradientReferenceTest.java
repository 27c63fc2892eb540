package io.mssd.tools.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mssd.core.train.Parameter;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.ssd.model.SsdModel;
import io.mssd.ssd.train.MultiBoxLoss;
import io.mssd.ssd.train.SsdTrainingNetwork;
import io.mssd.ssd.train.TrainingSample;
import io.mssd.tools.data.CocoTrainingSet;
import io.mssd.tools.data.LabelledImage;
import io.mssd.tools.data.TrainingData;
import io.mssd.tools.SharedData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MultiBox loss and every weight gradient of the COCO TFLite model (dequantised, 91-output head)
 * on two COCO val2017 images, against fixtures/train-grad: an independent float64 PyTorch
 * implementation. The batch is formed as the fixture's README says, with cv::resize for the 300x300
 * input: every per-tensor gradient L2 norm within 1e-3 relative, loss parts within 1e-4, the five
 * tensors given in full elementwise. With mssd's own pure-Java resize (a byte off by one here and
 * there) the issue's bounds hold: 90% of the tensors within 1e-3 and all within 1e-2.
 */
public class TrainGradientReferenceTest {
    static JsonObject ref;
    static SsdModel model;
    static SsdTrainingNetwork net;
    static MultiBoxLoss.Parts parts;
    static Map<String, Parameter> byName;

    /** The fixture's preprocessing: cv::resize INTER_LINEAR to 300x300, RGB, x / 128 - 1. */
    static final io.mssd.ssd.preprocess.Preprocessor OPENCV_RESIZE = (img, input) -> {
        int h = input.shape().h(), w = input.shape().w();
        try (org.bytedeco.opencv.opencv_core.Mat src = io.mssd.tools.image.MatImages.toBgr(img);
             org.bytedeco.opencv.opencv_core.Mat dst = new org.bytedeco.opencv.opencv_core.Mat()) {
            org.bytedeco.opencv.global.opencv_imgproc.resize(src, dst, new org.bytedeco.opencv.opencv_core.Size(w, h), 0, 0,
                    org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR);
            byte[] px = io.mssd.tools.image.MatImages.toRgb(dst).pixels();
            float[] d = input.data();
            for (int i = 0; i < h * w; i++) {
                for (int c = 0; c < 3; c++) d[c * h * w + i] = ((px[i * 3 + c] & 0xff) - 128) / 128f;
            }
        }
        return new io.mssd.ssd.preprocess.FrameMapping(img.width(), img.height(), img.width(), img.height());
    };

    static Path resources() throws URISyntaxException {
        return Path.of(TrainGradientReferenceTest.class.getResource("/train-grad/instances_2images.json").toURI()).getParent();
    }

    /** The reference batch's gradients (sum over both images, divided by the batch's positives). */
    /** One plain step's gradients on one thread: the batch's sums divided by its positives. */
    public static MultiBoxLoss.Parts computeGradients(SsdTrainingNetwork n, List<TrainingSample> batch) {
        SsdTrainingNetwork.ImagePass pass = n.newPass();
        n.graph().beginStep();
        MultiBoxLoss.Parts sum = MultiBoxLoss.Parts.NONE;
        for (TrainingSample s : batch) sum = sum.plus(pass.run(s, true));
        n.graph().collectGradients(List.of(pass.graphPass()), 1f / sum.positives());
        return sum;
    }

    /** The fixture's two images and their ground truth, as training samples of {@code model}. */
    public static List<TrainingSample> batch(SsdModel model) throws Exception {
        Path dir = resources();
        List<LabelledImage> data = CocoTrainingSet.read(dir.resolve("instances_2images.json"), dir);
        List<TrainingSample> out = new ArrayList<>();
        for (LabelledImage im : data) out.add(TrainingData.decode(im, model.labels()));
        return out;
    }

    @BeforeAll
    static void run() throws Exception {
        Path modelFile = SharedData.cocoTflite();
        if (!Files.exists(modelFile)) System.err.println("SKIPPED training gradient reference: model not found at " + modelFile.toAbsolutePath());
        Assumptions.assumeTrue(Files.exists(modelFile), "TFLite model not found at " + modelFile.toAbsolutePath());
        ref = JsonParser.parseString(Files.readString(resources().resolve("reference_grad.json"))).getAsJsonObject();
        model = ModelZoo.loadFloat("tflite:" + modelFile, null);
        net = new SsdTrainingNetwork(model.withPreprocessor(OPENCV_RESIZE));
        parts = computeGradients(net, batch(model));
        byName = byName(net);
    }

    static Map<String, Parameter> byName(SsdTrainingNetwork n) {
        Map<String, Parameter> m = new java.util.HashMap<>();
        for (Parameter p : n.parameters()) m.put(p.name(), p);
        return m;
    }

    @Test
    void lossMatchesTheReference() {
        assertEquals(ref.get("N").getAsInt(), parts.positives(), "positives in the batch");
        double n = parts.positives();
        assertEquals(ref.get("conf_sum").getAsDouble(), parts.classSum(), 1e-4 * ref.get("conf_sum").getAsDouble(), "classification sum");
        assertEquals(ref.get("box_sum").getAsDouble(), parts.boxSum(), 1e-4 * ref.get("box_sum").getAsDouble(), "box sum");
        assertEquals(ref.get("loss").getAsDouble(), (parts.classSum() + parts.boxSum()) / n, 1e-4 * ref.get("loss").getAsDouble(), "loss");
    }

    @Test
    void gradientNormsMatchTheReference() {
        int[] counts = compareNorms(byName, "cv::resize input");
        assertEquals(counts[1], counts[0], counts[0] + " of " + counts[1] + " tensors within 1e-3");
    }

    @Test
    void withTheModelsOwnResizeTheIssuesBoundsHold() throws Exception {
        SsdModel m = ModelZoo.loadFloat("tflite:" + SharedData.cocoTflite(), null);
        SsdTrainingNetwork own = new SsdTrainingNetwork(m);
        computeGradients(own, batch(m));
        int[] counts = compareNorms(byName(own), "mssd's own resize");
        assertTrue(counts[0] >= 0.9 * counts[1], counts[0] + " of " + counts[1] + " within 1e-3");
    }

    /** {tensors within 1e-3, tensors}; asserts every one within 1e-2. */
    static int[] compareNorms(Map<String, Parameter> byName, String what) {
        JsonObject params = ref.getAsJsonObject("params");
        int within1e3 = 0, total = 0;
        double worst = 0;
        String worstName = "";
        for (Map.Entry<String, JsonElement> e : params.entrySet()) {
            Parameter p = byName.get(e.getKey());
            assertTrue(p != null, "no parameter named " + e.getKey() + " (the TFLite tensor name)");
            double want = e.getValue().getAsJsonObject().get("l2").getAsDouble();
            double got = 0;
            for (float g : p.grad()) got += (double) g * g;
            got = Math.sqrt(got);
            double rel = Math.abs(got - want) / Math.max(want, 1e-12);
            if (want == 0) rel = got;
            total++;
            if (rel <= 1e-3) within1e3++;
            if (rel > worst) {
                worst = rel;
                worstName = e.getKey();
            }
        }
        System.err.printf("training gradients vs float64 reference (%s): %d of %d tensors within 1e-3 relative (L2 norm), worst %.2e at %s%n",
                what, within1e3, total, worst, worstName);
        assertEquals(byName.size(), total, "every parameter has a reference");
        assertTrue(worst <= 1e-2, "worst relative error " + worst + " at " + worstName);
        return new int[] {within1e3, total};
    }

    @Test
    void smallTensorsMatchElementwise() {
        JsonObject full = ref.getAsJsonObject("full_grads_tflite_layout");
        for (Map.Entry<String, JsonElement> e : full.entrySet()) {
            Parameter p = byName.get(e.getKey());
            float[] want = flatten(e.getValue());
            float[] got = toTfliteLayout(p);
            assertEquals(want.length, got.length, e.getKey());
            double scale = 0;
            for (float v : want) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-3 * scale + 1e-7, e.getKey() + " [" + i + "]");
            }
        }
    }

    /** The gradient in TFLite's layout: convolution OHWI (ours OIHW), biases as they are. */
    static float[] toTfliteLayout(Parameter p) {
        int[] s = p.shape();
        if (s.length == 1) return p.grad().clone();
        int o = s[0], i = s[1], h = s[2], w = s[3];
        float[] out = new float[p.size()];
        for (int a = 0; a < o; a++)
            for (int c = 0; c < i; c++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) out[((a * h + y) * w + x) * i + c] = p.grad()[((a * i + c) * h + y) * w + x];
        return out;
    }

    static float[] flatten(JsonElement e) {
        List<Float> out = new ArrayList<>();
        flatten(e, out);
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) a[i] = out.get(i);
        return a;
    }

    private static void flatten(JsonElement e, List<Float> out) {
        if (e.isJsonArray()) {
            for (JsonElement c : (JsonArray) e) flatten(c, out);
        } else {
            out.add(e.getAsFloat());
        }
    }
}
