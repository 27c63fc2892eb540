package io.mssd.ssd.train;

import io.mssd.core.train.LearningRateSchedule;

/**
 * How to train: length (epochs, or steps when steps > 0), batch size, optimiser and its settings,
 * learning-rate schedule, which layers train (heads only for the first {@code headsOnlyEpochs}
 * epochs, then everything at {@code allLayersLrScale} times the scheduled rate, unless
 * {@code freeze} says otherwise), augmentation, order, seed and threads. Immutable; start from {@link #defaults()} and change what you need.
 */
public record TrainerOptions(int epochs, int steps, int batch, float lr, String optimizer, float momentum, float weightDecay,
                             int warmupSteps, LearningRateSchedule.Kind schedule, Freeze freeze, int headsOnlyEpochs,
                             boolean augment, float maxZoomOut, boolean shuffle, long seed, int threads, float allLayersLrScale) {

    /** BACKBONE: heads only throughout; NONE: every layer throughout; AUTO: heads only first, then every layer. */
    public enum Freeze { BACKBONE, NONE, AUTO }

    public TrainerOptions {
        if (epochs < 1 && steps < 1) throw new IllegalArgumentException("epochs or steps must be >= 1");
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
        if (!optimizer.equals("sgd") && !optimizer.equals("adam")) throw new IllegalArgumentException("optimizer must be sgd or adam, got " + optimizer);
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0");
        if (!(allLayersLrScale > 0)) throw new IllegalArgumentException("all-layers learning-rate scale must be > 0");
    }

    /** The recipe `mssd train` uses when nothing is given (see the README for how it was chosen). */
    public static TrainerOptions defaults() {
        return new TrainerOptions(40, 0, 16, 0.02f, "sgd", 0.9f, 5e-4f, 50, LearningRateSchedule.Kind.COSINE, Freeze.AUTO, 20,
                true, 3f, true, 42, Runtime.getRuntime().availableProcessors(), 0.1f);
    }

    public TrainerOptions withEpochs(int e) {
        return new TrainerOptions(e, 0, batch, lr, optimizer, momentum, weightDecay, warmupSteps, schedule, freeze,
                Math.min(headsOnlyEpochs, e / 2), augment, maxZoomOut, shuffle, seed, threads, allLayersLrScale);
    }

    public TrainerOptions withSteps(int s) {
        return new TrainerOptions(epochs, s, batch, lr, optimizer, momentum, weightDecay, warmupSteps, schedule, freeze,
                headsOnlyEpochs, augment, maxZoomOut, shuffle, seed, threads, allLayersLrScale);
    }

    public TrainerOptions withBatch(int b) {
        return new TrainerOptions(epochs, steps, b, lr, optimizer, momentum, weightDecay, warmupSteps, schedule, freeze,
                headsOnlyEpochs, augment, maxZoomOut, shuffle, seed, threads, allLayersLrScale);
    }

    public TrainerOptions withOptimizer(String name, float learningRate, float mom, float wd) {
        return new TrainerOptions(epochs, steps, batch, learningRate, name, mom, wd, warmupSteps, schedule, freeze,
                headsOnlyEpochs, augment, maxZoomOut, shuffle, seed, threads, allLayersLrScale);
    }

    public TrainerOptions withSchedule(int warmup, LearningRateSchedule.Kind kind) {
        return new TrainerOptions(epochs, steps, batch, lr, optimizer, momentum, weightDecay, warmup, kind, freeze,
                headsOnlyEpochs, augment, maxZoomOut, shuffle, seed, threads, allLayersLrScale);
    }

    public TrainerOptions withFreeze(Freeze f, int headsOnly) {
        return new TrainerOptions(epochs, steps, batch, lr, optimizer, momentum, weightDecay, warmupSteps, schedule, f,
                headsOnly, augment, maxZoomOut, shuffle, seed, threads, allLayersLrScale);
    }

    public TrainerOptions withData(boolean augmentImages, float zoomOut, boolean shuffleImages, long s) {
        return new TrainerOptions(epochs, steps, batch, lr, optimizer, momentum, weightDecay, warmupSteps, schedule, freeze,
                headsOnlyEpochs, augmentImages, zoomOut, shuffleImages, s, threads, allLayersLrScale);
    }

    public TrainerOptions withThreads(int t) {
        return new TrainerOptions(epochs, steps, batch, lr, optimizer, momentum, weightDecay, warmupSteps, schedule, freeze,
                headsOnlyEpochs, augment, maxZoomOut, shuffle, seed, t, allLayersLrScale);
    }

    public TrainerOptions withAllLayersLrScale(float scale) {
        return new TrainerOptions(epochs, steps, batch, lr, optimizer, momentum, weightDecay, warmupSteps, schedule, freeze,
                headsOnlyEpochs, augment, maxZoomOut, shuffle, seed, threads, scale);
    }

    /** Multiplier of the scheduled rate in epoch {@code epoch}: the all-layers phase of AUTO runs slower. */
    public float rateScale(int epoch) {
        return freeze == Freeze.AUTO && epoch >= headsOnlyEpochs ? allLayersLrScale : 1f;
    }

    /** Whether the backbone is frozen during epoch {@code epoch} (0-based). */
    public boolean backboneFrozen(int epoch) {
        return switch (freeze) {
            case BACKBONE -> true;
            case NONE -> false;
            case AUTO -> epoch < headsOnlyEpochs;
        };
    }
}
