package io.mssd.ssd;

import io.mssd.ssd.model.ModelZoo;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One Detector shared by several threads gives each caller what it gives a lone caller. */
class DetectorConcurrencyTest {

    @Test
    void concurrentCallsEqualSequentialOnes() throws Exception {
        String[] names = {"messi5", "Megamind_f060", "vtest_f200", "squirrel_cls"};
        List<RgbImage> images = new ArrayList<>();
        for (String n : names) {
            try (InputStream in = DetectorConcurrencyTest.class.getResourceAsStream("/faceapi-ssd/" + n + ".png")) {
                images.add(RgbImage.of(ImageIO.read(in)));
            }
        }
        try (Detector d = Detector.load(ModelZoo.FACE, 2)) {
            DetectorOptions opt = new DetectorOptions(0.3f, 0.5f, 100);
            List<List<Detection>> expected = new ArrayList<>();
            for (RgbImage img : images) expected.add(d.detect(img, opt));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<Detection>>> results = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    for (RgbImage img : images) results.add(pool.submit(() -> d.detect(img, opt)));
                }
                for (int i = 0; i < results.size(); i++) {
                    assertEquals(expected.get(i % images.size()), results.get(i).get(), "call " + i);
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
