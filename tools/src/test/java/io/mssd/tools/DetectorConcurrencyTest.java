package io.mssd.tools;

import io.mssd.core.io.onnx.OnnxModel;
import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.RgbImage;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.ssd.model.OnnxSsdImporter;
import io.mssd.ssd.model.SsdModel;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One Detector shared by 8 threads gives exactly the sequential results, call for call. */
class DetectorConcurrencyTest {

    static List<RgbImage> images(int n, long seed) {
        Random r = new Random(seed);
        List<RgbImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int w = 40 + r.nextInt(300), h = 40 + r.nextInt(300);
            byte[] px = new byte[w * h * 3];
            // smooth blobs rather than noise, so that the detectors find something
            int cx = r.nextInt(w), cy = r.nextInt(h), rad = 10 + r.nextInt(Math.min(w, h));
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean in = (x - cx) * (x - cx) + (y - cy) * (y - cy) < rad * rad;
                    px[(y * w + x) * 3] = (byte) (in ? 220 : x * 255 / w);
                    px[(y * w + x) * 3 + 1] = (byte) (in ? 40 : y * 255 / h);
                    px[(y * w + x) * 3 + 2] = (byte) (in ? 90 : 128);
                }
            }
            out.add(new RgbImage(w, h, px));
        }
        return out;
    }

    /** calls per thread, 8 threads, each call a random image: every result equals that image's sequential result. */
    static int stress(Detector d, DetectorOptions opt, List<RgbImage> imgs, int callsPerThread) throws Exception {
        List<List<Detection>> want = new ArrayList<>();
        for (RgbImage img : imgs) want.add(d.detect(img, opt));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger calls = new AtomicInteger();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = t;
                fs.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int c = 0; c < callsPerThread; c++) {
                        int i = r.nextInt(imgs.size());
                        assertEquals(want.get(i), d.detect(imgs.get(i), opt), "image " + i);
                        calls.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        return calls.get();
    }

    @Test
    void thousandsOfCallsFromEightThreadsOnAnOnnxExport() throws Exception {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/io/mssd/tools/fuzz/ReaderFuzzTestInputs/onnx/tiny-ssd.onnx")) {
            bytes = in.readAllBytes();
        }
        SsdModel m = OnnxSsdImporter.load("tiny-ssd.onnx", OnnxModel.parse(bytes, "tiny-ssd.onnx"), List.of("bg", "a", "b"), "labels");
        try (Detector d = new Detector(m, 2)) {
            DetectorOptions opt = new DetectorOptions(0.2f, 0.45f, 50);
            List<RgbImage> imgs = images(24, 3);
            assertTrue(imgs.stream().anyMatch(i -> !d.detect(i, opt).isEmpty()), "the test images give detections");
            assertEquals(8 * 500, stress(d, opt, imgs, 500));
        }
    }

    @Test
    void theEmbeddedCocoModelSharedByEightThreads() throws Exception {
        try (Detector d = new Detector(ModelZoo.load(ModelZoo.DEFAULT), 2)) {
            DetectorOptions opt = d.defaultOptions().withMinScore(0.05f);
            assertEquals(8 * 12, stress(d, opt, images(6, 5), 12));
        }
    }
}
