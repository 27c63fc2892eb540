package io.mssd.tools.tflite;

import io.mssd.ssd.Detector;
import io.mssd.ssd.RawDetections;
import io.mssd.ssd.RgbImage;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.tools.SharedData;
import io.mssd.tools.image.MatImages;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The embedded default model is the file TfliteVsArmNnTest checks against Arm NN: on the fixture
 * images it computes exactly what tflite:../shared/models/.../detect.tflite computes, so those
 * comparisons hold for the default.
 */
class EmbeddedCocoModelTest {

    @Test
    void theEmbeddedModelIsTheSharedFile() throws Exception {
        Path file = SharedData.cocoTflite();
        if (!Files.exists(file)) System.err.println("SKIPPED embedded-model check: " + file + " not found");
        Assumptions.assumeTrue(Files.exists(file), "model not found");
        assertEquals(ModelZoo.COCO, ModelZoo.DEFAULT);
        try (Detector embedded = Detector.load(ModelZoo.DEFAULT, 1); Detector shared = Detector.load("tflite:" + file, 1)) {
            for (String name : new String[] {"messi5", "fruits", "home", "baboon", "vtest_f100", "Megamind_f120"}) {
                Path img = Path.of(EmbeddedCocoModelTest.class.getResource("/tflite-coco-ssd/" + name + "_rgb300.png").toURI());
                RgbImage px = MatImages.read(img);
                RawDetections a = embedded.infer(px), b = shared.infer(px);
                assertArrayEquals(b.boxes(), a.boxes(), name);
                assertArrayEquals(b.scores(), a.scores(), name);
                assertEquals(shared.model().labels(), embedded.model().labels());
            }
        }
    }
}
