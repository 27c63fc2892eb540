package io.mssd.tools.caffe;

import io.mssd.tools.Npy;
import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.caffe.CaffeModel;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.nn.Workspace;
import io.mssd.core.tensor.Tensor;
import io.mssd.ssd.Detection;
import io.mssd.ssd.RawDetections;
import io.mssd.ssd.RgbImage;
import io.mssd.ssd.head.MultiboxOutputs;
import io.mssd.ssd.model.CaffeSsdImporter;
import io.mssd.ssd.model.SsdModel;
import io.mssd.ssd.preprocess.FrameMapping;
import io.mssd.tools.image.MatImages;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * chuanqi305's MobileNet-SSD with seeded random weights, in mssd and in OpenCV DNN (readNetFromCaffe
 * through JavaCV) on the same input blob: intermediate tensors, priors and final detections.
 * Also the fixture's OpenCV 4.6 outputs for its own random caffemodel (from ../shared).
 */
class CaffeVsOpenCvTest {

    static String prototxt() throws IOException {
        try (InputStream in = CaffeVsOpenCvTest.class.getResourceAsStream("/caffe/MobileNetSSD_deploy.prototxt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static float[] gather(SsdModel m, Workspace ws, boolean loc) {
        int n = m.anchorCount(), k = m.logitsPerAnchor();
        float[] enc = new float[n * 4], logits = new float[n * k];
        MultiboxOutputs.gather(ws, m.predictors(), k, enc, logits);
        return loc ? enc : logits;
    }

    static void assertClose(float[] expected, float[] actual, double relTol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1e-12, err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(err <= relTol * Math.max(1, scale), what + ": max abs error " + err + " (scale " + scale + ")");
    }

    static float[] data(Mat m) {
        int n = (int) m.total();
        float[] out = new float[n];
        new FloatPointer(m.data()).get(out);
        return out;
    }

    /** detection_out rows (label, score, x1, y1, x2, y2) with score > 0, sorted by label then score. */
    static List<float[]> rows(float[] det) {
        List<float[]> r = new ArrayList<>();
        for (int i = 0; i + 7 <= det.length; i += 7) {
            if (det[i + 2] <= 0) continue;
            r.add(new float[] {det[i + 1], det[i + 2], det[i + 3], det[i + 4], det[i + 5], det[i + 6]});
        }
        r.sort(Comparator.comparingDouble((float[] a) -> a[0]).thenComparingDouble(a -> -a[1]));
        return r;
    }

    static List<float[]> rows(List<Detection> dets) {
        List<float[]> r = new ArrayList<>();
        for (Detection d : dets) {
            r.add(new float[] {d.classIndex() + 1, d.score(), d.box().x1(), d.box().y1(), d.box().x2(), d.box().y2()});
        }
        r.sort(Comparator.comparingDouble((float[] a) -> a[0]).thenComparingDouble(a -> -a[1]));
        return r;
    }

    static void assertSameDetections(List<float[]> expected, List<float[]> actual, String what) {
        System.err.println(what + ": " + expected.size() + " detections");
        assertTrue(expected.size() >= 5, what + ": the reference should find several detections, found " + expected.size());
        assertEquals(expected.size(), actual.size(), what + ": number of detections");
        for (int i = 0; i < expected.size(); i++) {
            float[] e = expected.get(i), a = actual.get(i);
            assertEquals(e[0], a[0], 0, what + ": label of detection " + i);
            assertEquals(e[1], a[1], 1e-4, what + ": score of detection " + i);
            for (int j = 2; j < 6; j++) {
                // mssd clips boxes to the image; OpenCV leaves them unclipped
                assertEquals(Math.min(1, Math.max(0, e[j])), a[j], 1e-4, what + ": box of detection " + i);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"full,messi5.png,3", "full,vtest_f100.png,3", "full,fruits.png,6", "half,fruits.png,4", "half,messi5.png,4"})
    void equalsOpenCvDnnOnRealImages(String width, String image, double confGain, @TempDir Path dir) throws Exception {
        String proto = width.equals("half") ? RandomCaffeModel.halfWidth(prototxt()) : prototxt();
        byte[] weights = RandomCaffeModel.write(proto, width.equals("half") ? 7 : 3, confGain);
        Path p = dir.resolve("deploy.prototxt"), w = dir.resolve("random.caffemodel");
        Files.writeString(p, proto);
        Files.write(w, weights);
        SsdModel m = CaffeSsdImporter.load("random", CaffeModel.read(p, w));
        RgbImage img;
        try (InputStream in = CaffeVsOpenCvTest.class.getResourceAsStream("/caffe/" + image)) {
            Path f = dir.resolve(image);
            Files.copy(in, f);
            img = MatImages.read(f);
        }
        Workspace ws = m.network().newWorkspace(m.inputShape(), new ComputePool(2));
        FrameMapping unit = new FrameMapping(1, 1, 1, 1);
        m.preprocessor().apply(img, ws.input());
        ws.forward();
        Net net = opencv_dnn.readNetFromCaffe(p.toString(), w.toString());
        net.setPreferableBackend(opencv_dnn.DNN_BACKEND_OPENCV);
        net.setPreferableTarget(opencv_dnn.DNN_TARGET_CPU);
        try (Mat blob = new Mat(new int[] {1, 3, 300, 300}, org.bytedeco.opencv.global.opencv_core.CV_32F)) {
            new FloatPointer(blob.data()).put(ws.input().data());
            net.setInput(blob);
            String[] names = {"conv11/relu", "conv13/relu", "mbox_loc", "mbox_conf_flatten", "mbox_priorbox", "detection_out"};
            MatVector outs = new MatVector();
            net.forward(outs, new StringVector(names));
            assertClose(data(outs.get(0)), ws.output("conv11").data(), 1e-4, "conv11");
            assertClose(data(outs.get(1)), ws.output("conv13").data(), 1e-4, "conv13");
            assertClose(data(outs.get(2)), gather(m, ws, true), 1e-4, "mbox_loc");
            RawDetections raw = m.decode(ws, unit);
            float[] probs = gather(m, ws, false);
            for (int i = 0; i < m.anchorCount(); i++) m.scoreFunction().apply(probs, i * m.logitsPerAnchor(), m.logitsPerAnchor());
            assertClose(data(outs.get(3)), probs, 1e-4, "mbox_conf (softmax)");
            float[] priors = data(outs.get(4)), ours = m.anchors().cornersYxyx();
            double perr = 0;
            for (int i = 0; i < m.anchorCount(); i++) {
                float[] xyxy = {ours[i * 4 + 1], ours[i * 4], ours[i * 4 + 3], ours[i * 4 + 2]};
                for (int j = 0; j < 4; j++) perr = Math.max(perr, Math.abs(xyxy[j] - priors[i * 4 + j]));
            }
            assertTrue(perr <= 1e-6, "prior boxes: max error " + perr);
            assertSameDetections(rows(data(outs.get(5))), rows(m.postProcessor().apply(raw, m.defaults())), width + " " + image);
        }
    }

    @Test
    void fixtureOutputsOfOpenCv46() throws Exception {
        Path dir = Path.of(System.getProperty("mssd.shared", "../../shared"), "fixtures", "caffe-mobilenet-ssd");
        Path model = dir.resolve("MobileNetSSD_random.caffemodel");
        if (!Files.exists(model)) System.err.println("SKIPPED Caffe fixture test: " + model.toAbsolutePath() + " not found");
        Assumptions.assumeTrue(Files.exists(model), "Caffe fixture not found at " + model.toAbsolutePath());
        SsdModel m = CaffeSsdImporter.load("fixture", CaffeModel.read(dir.resolve("MobileNetSSD_deploy.prototxt"), model));
        Workspace ws = m.network().newWorkspace(m.inputShape(), new ComputePool(2));
        Path out = dir.resolve("opencv-out");
        float[] blob = Npy.read(out.resolve("input_blob.npy")).data();
        System.arraycopy(blob, 0, ws.input().data(), 0, blob.length);
        ws.forward();
        for (String layer : new String[] {"conv0", "conv1", "conv11", "conv13", "conv14_2", "conv17_2"}) {
            assertClose(Npy.read(out.resolve(layer + "__relu.npy")).data(), ws.output(layer).data(), 1e-4, layer);
        }
        assertClose(Npy.read(out.resolve("mbox_loc.npy")).data(), gather(m, ws, true), 1e-4, "mbox_loc");
        float[] priors = Npy.read(out.resolve("mbox_priorbox.npy")).data(), ours = m.anchors().cornersYxyx();
        for (int i = 0; i < m.anchorCount(); i++) {
            float[] xyxy = {ours[i * 4 + 1], ours[i * 4], ours[i * 4 + 3], ours[i * 4 + 2]};
            for (int j = 0; j < 4; j++) assertEquals(priors[i * 4 + j], xyxy[j], 1e-6, "prior " + i);
            // variances, the second channel of PriorBox's output
            assertEquals(j(i) < 2 ? 0.1f : 0.2f, priors[priors.length / 2 + i * 4 + j(i)], 1e-7);
        }
        RawDetections raw = m.decode(ws, new FrameMapping(1, 1, 1, 1));
        List<float[]> expected = rows(Npy.read(out.resolve("detection_out.npy")).data());
        assertEquals(54, expected.size());
        assertSameDetections(expected, rows(m.postProcessor().apply(raw, m.defaults())), "fixture detection_out");
    }

    private static int j(int i) {
        return i % 4;
    }

    @Test
    void badCaffeFilesAreClearErrors(@TempDir Path dir) throws Exception {
        String proto = prototxt();
        byte[] weights = RandomCaffeModel.write(proto, 1);
        // truncated weights
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> RandomCaffeModel.model(proto, java.util.Arrays.copyOf(weights, weights.length / 2)));
        assertTrue(e.getMessage().contains("random.caffemodel"), e.getMessage());
        // a blob whose shape does not match the prototxt
        String wider = proto.replaceFirst("num_output: 32", "num_output: 48");
        e = assertThrows(ModelFormatException.class, () -> CaffeSsdImporter.load("x", RandomCaffeModel.model(wider, weights)));
        assertTrue(e.getMessage().contains("conv0") && e.getMessage().contains("shape"), e.getMessage());
        // an unknown layer type
        String unknown = proto.replaceFirst("type: \"ReLU\"", "type: \"PReLU\"");
        e = assertThrows(ModelFormatException.class, () -> CaffeSsdImporter.load("x", RandomCaffeModel.model(unknown, weights)));
        assertTrue(e.getMessage().contains("conv0/relu") && e.getMessage().contains("PReLU"), e.getMessage());
        // malformed prototxt
        e = assertThrows(ModelFormatException.class, () -> RandomCaffeModel.model(proto.substring(0, 500), weights));
        assertTrue(e.getMessage().contains("deploy.prototxt"), e.getMessage());
    }
}
