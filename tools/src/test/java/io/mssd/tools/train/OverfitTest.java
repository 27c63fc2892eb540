package io.mssd.tools.train;

import io.mssd.ssd.Detector;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.ssd.model.SsdModel;
import io.mssd.ssd.train.ClassHead;
import io.mssd.ssd.train.SsdTrainingNetwork;
import io.mssd.ssd.train.Trainer;
import io.mssd.ssd.train.TrainerOptions;
import io.mssd.tools.SharedData;
import io.mssd.tools.data.DecodedSamples;
import io.mssd.tools.data.LabelledImage;
import io.mssd.tools.data.VocDataset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training can fit: from the COCO model with a new "raccoon" head, a few hundred steps on four
 * raccoon photos (no augmentation) reach AP50 1.0 on those photos, and the loss falls to less than
 * a fifth. Reads ../shared (model and raccoon photos); skips, saying so, without them.
 */
class OverfitTest {

    @Test
    void fourImagesAreLearntToAp50One() throws Exception {
        if (!Files.exists(SharedData.cocoTflite()) || !Files.isDirectory(SharedData.raccoon())) {
            System.err.println("SKIPPED overfitting test: needs " + SharedData.cocoTflite() + " and " + SharedData.raccoon());
        }
        Assumptions.assumeTrue(Files.exists(SharedData.cocoTflite()) && Files.isDirectory(SharedData.raccoon()), "shared data absent");
        List<LabelledImage> images = VocDataset.read(SharedData.raccoon()).subList(0, 4);
        SsdModel model = ClassHead.replace(ModelZoo.loadFloat("tflite:" + SharedData.cocoTflite(), null), List.of("raccoon"), 7);
        SsdTrainingNetwork net = new SsdTrainingNetwork(model);
        // the default recipe's shape: new heads alone, then every layer at a tenth of the rate; one step per epoch
        TrainerOptions opt = TrainerOptions.defaults().withSteps(160).withBatch(4)
                .withOptimizer("sgd", 0.02f, 0.9f, 0f).withFreeze(TrainerOptions.Freeze.AUTO, 80).withSchedule(10,
                        io.mssd.core.train.LearningRateSchedule.Kind.COSINE).withData(false, 1, true, 1).withThreads(2);
        double[] first = {-1}, last = {0};
        try (Trainer t = new Trainer(net, new DecodedSamples(images, model.labels(), 0, 1L << 30), opt)) {
            t.run(Integer.MAX_VALUE, new Trainer.Listener() {
                @Override
                public void step(Trainer.Step s) {
                    if (first[0] < 0) first[0] = s.loss();
                    last[0] = s.loss();
                }
            });
        }
        double[] stats;
        try (Detector d = new Detector(model, 2)) {
            stats = new DetectionValidator(images, model.labels()).evaluate(d);
        }
        System.err.printf("overfitting 4 images: loss %.3f -> %.3f, AP %.3f AP50 %.3f%n", first[0], last[0], stats[0], stats[1]);
        assertEquals(1.0, stats[1], 1e-9, "AP50 on the training images");
        assertTrue(last[0] < first[0] / 5, "loss " + first[0] + " -> " + last[0]);
    }
}
