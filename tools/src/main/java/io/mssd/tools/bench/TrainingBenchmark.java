package io.mssd.tools.bench;

import io.mssd.ssd.RgbImage;
import io.mssd.ssd.model.SsdModel;
import io.mssd.ssd.train.SampleSource;
import io.mssd.ssd.train.SsdTrainingNetwork;
import io.mssd.ssd.train.Trainer;
import io.mssd.ssd.train.TrainerOptions;
import io.mssd.ssd.train.TrainingSample;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Training throughput: images per second of whole steps (preprocessing, forward, loss, backward,
 * update) on a fixed batch, all layers trainable or backbone frozen. Decoding and augmentation are
 * left out (they run ahead on loader threads in `mssd train`).
 */
public final class TrainingBenchmark {
    public record Result(int threads, boolean frozen, double imagesPerSecond, double msPerStep) {}

    private TrainingBenchmark() {}

    /** A batch of copies of {@code image} with three seeded boxes each, labels cycling through the model's. */
    public static List<TrainingSample> batch(RgbImage image, int size, int labels) {
        SplittableRandom r = new SplittableRandom(1);
        List<TrainingSample> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            float[] b = new float[12];
            int[] l = new int[3];
            for (int k = 0; k < 3; k++) {
                float w = (float) r.nextDouble(0.1, 0.5) * image.width(), h = (float) r.nextDouble(0.1, 0.5) * image.height();
                float x = (float) r.nextDouble(0, image.width() - w), y = (float) r.nextDouble(0, image.height() - h);
                b[k * 4] = x;
                b[k * 4 + 1] = y;
                b[k * 4 + 2] = x + w;
                b[k * 4 + 3] = y + h;
                l[k] = (i + k) % labels;
            }
            out.add(new TrainingSample("bench " + i, image, b, l));
        }
        return out;
    }

    /** Median time of {@code steps} steps after {@code warmup} untimed ones, on a fresh copy of the model. */
    public static Result run(Supplier<SsdModel> model, List<TrainingSample> batch, int threads, boolean frozen, int warmup, int steps)
            throws InterruptedException {
        SsdTrainingNetwork net = new SsdTrainingNetwork(model.get());
        net.freezeBackbone(frozen);
        TrainerOptions opt = TrainerOptions.defaults().withBatch(batch.size()).withThreads(threads).withSteps(warmup + steps)
                .withOptimizer("sgd", 1e-4f, 0.9f, 5e-4f);
        SampleSource none = new SampleSource() {
            public int size() {
                return batch.size();
            }

            public TrainingSample load(int i) {
                return batch.get(i);
            }
        };
        double[] ms = new double[steps];
        try (Trainer t = new Trainer(net, none, opt)) {
            for (int i = 0; i < warmup + steps; i++) {
                long t0 = System.nanoTime();
                t.trainStep(batch, 0, frozen);
                if (i >= warmup) ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
            }
        }
        java.util.Arrays.sort(ms);
        double med = ms[steps / 2];
        return new Result(threads, frozen, batch.size() * 1000.0 / med, med);
    }
}
