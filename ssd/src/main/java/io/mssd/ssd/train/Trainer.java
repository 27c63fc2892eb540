package io.mssd.ssd.train;

import io.mssd.core.train.AdamW;
import io.mssd.core.train.LearningRateSchedule;
import io.mssd.core.train.Optimizer;
import io.mssd.core.train.Sgd;
import io.mssd.ssd.train.augment.Augmentation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The training loop. Each step takes a batch (the epoch's seeded permutation, or file order),
 * decodes and augments its images on loader threads a batch ahead, runs forward and backward with
 * images spread over the compute threads (image j on thread j mod T, sums added in thread order),
 * divides by the batch's positives and updates. All randomness derives from (seed, epoch, image), so
 * a run is reproducible and a resume from an epoch's checkpoint continues exactly.
 */
public final class Trainer implements AutoCloseable {

    /** What one step did. */
    public record Step(int step, int totalSteps, int epoch, double loss, double classLoss, double boxLoss, int positives,
                       float lr, boolean backboneFrozen) {}

    /** Called after each step and at the end of each epoch (mean loss of the epoch's steps). */
    public interface Listener {
        default void step(Step s) {}

        default void epochEnd(int epoch, double meanLoss) {}
    }

    private final SsdTrainingNetwork net;
    private final TrainerOptions opt;
    private final SampleSource data;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final int stepsPerEpoch, totalSteps, totalEpochs;
    private final ExecutorService compute, loaders;
    private final List<SsdTrainingNetwork.ImagePass> passes = new ArrayList<>();
    private final Augmentation augmentation;
    private int step;
    private int epoch;

    public Trainer(SsdTrainingNetwork net, SampleSource data, TrainerOptions opt) {
        if (data.size() == 0) throw new IllegalArgumentException("the training set has no images");
        this.net = net;
        this.opt = opt;
        this.data = data;
        this.stepsPerEpoch = Math.max(1, (data.size() + opt.batch() - 1) / opt.batch());
        this.totalSteps = opt.steps() > 0 ? opt.steps() : opt.epochs() * stepsPerEpoch;
        this.totalEpochs = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch;
        this.optimizer = opt.optimizer().equals("adam") ? new AdamW(0.9f, 0.999f, 1e-8f, opt.weightDecay())
                : new Sgd(opt.momentum(), opt.weightDecay());
        this.schedule = new LearningRateSchedule(opt.lr(), opt.warmupSteps(), totalSteps, opt.schedule());
        int threads = Math.min(opt.threads(), opt.batch());
        this.compute = Executors.newFixedThreadPool(threads, daemon("mssd-train"));
        this.loaders = Executors.newFixedThreadPool(Math.max(1, Math.min(2, opt.threads())), daemon("mssd-train-data"));
        for (int t = 0; t < threads; t++) passes.add(net.newPass());
        this.augmentation = Augmentation.ssd(opt.maxZoomOut());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public int totalSteps() {
        return totalSteps;
    }

    public int totalEpochs() {
        return totalEpochs;
    }

    /** Epochs completed so far. */
    public int epoch() {
        return epoch;
    }

    public int stepsDone() {
        return step;
    }

    /** The optimiser's state plus the loop position, for a checkpoint. */
    public Map<String, float[]> state() {
        Map<String, float[]> s = new java.util.LinkedHashMap<>(optimizer.state());
        s.put("trainer/position", new float[] {epoch, step});
        return s;
    }

    /** Continues from a checkpoint written after a whole epoch. */
    public void restore(Map<String, float[]> state) {
        float[] pos = state.get("trainer/position");
        if (pos == null) throw new IllegalArgumentException("checkpoint has no trainer/position");
        epoch = (int) pos[0];
        step = (int) pos[1];
        optimizer.restore(state);
    }

    /** Image order of an epoch. */
    int[] order(int e) {
        int n = data.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        if (opt.shuffle()) {
            SplittableRandom r = new SplittableRandom(opt.seed() * 1_000_003L + e);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        return idx;
    }

    private TrainingSample prepare(int e, int image) {
        TrainingSample s = data.load(image);
        if (!opt.augment()) return s;
        SplittableRandom r = new SplittableRandom(opt.seed() ^ (0x9E3779B97F4A7C15L * (e * 1_000_003L + image + 1)));
        return augmentation.apply(s, r);
    }

    /** Runs epochs until the end (or {@code untilEpoch} epochs are complete, if smaller). */
    public void run(int untilEpoch, Listener listener) throws InterruptedException {
        int last = Math.min(untilEpoch, totalEpochs);
        while (epoch < last && step < totalSteps) {
            int e = epoch;
            boolean frozen = opt.backboneFrozen(e);
            net.freezeBackbone(frozen);
            int[] order = order(e);
            double lossSum = 0;
            int stepsThisEpoch = Math.min(stepsPerEpoch, totalSteps - step);
            // loader jobs run two batches ahead of the compute threads
            List<List<Future<TrainingSample>>> queued = new ArrayList<>();
            for (int b = 0; b < Math.min(2, stepsThisEpoch); b++) queued.add(submitBatch(e, order, b));
            for (int b = 0; b < stepsThisEpoch; b++) {
                List<Future<TrainingSample>> jobs = queued.remove(0);
                if (b + 2 < stepsThisEpoch) queued.add(submitBatch(e, order, b + 2));
                List<TrainingSample> batch = new ArrayList<>();
                for (Future<TrainingSample> f : jobs) batch.add(get(f));
                Step s = trainStep(batch, e, frozen);
                lossSum += s.loss();
                listener.step(s);
            }
            epoch++;
            listener.epochEnd(e, stepsThisEpoch == 0 ? 0 : lossSum / stepsThisEpoch);
        }
    }

    private List<Future<TrainingSample>> submitBatch(int e, int[] order, int b) {
        List<Future<TrainingSample>> jobs = new ArrayList<>();
        for (int i = b * opt.batch(); i < Math.min(order.length, (b + 1) * opt.batch()); i++) {
            int image = order[i];
            jobs.add(loaders.submit(() -> prepare(e, image)));
        }
        return jobs;
    }

    private static <T> T get(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException ex) {
            Throwable c = ex.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IllegalStateException(c);
        }
    }

    /** One update on these samples. */
    public Step trainStep(List<TrainingSample> batch, int e, boolean frozen) throws InterruptedException {
        net.graph().beginStep();
        int threads = passes.size();
        List<Future<MultiBoxLoss.Parts>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int worker = t;
            results.add(compute.submit(() -> {
                MultiBoxLoss.Parts sum = MultiBoxLoss.Parts.NONE;
                for (int j = worker; j < batch.size(); j += threads) sum = sum.plus(passes.get(worker).run(batch.get(j), true));
                return sum;
            }));
        }
        MultiBoxLoss.Parts total = MultiBoxLoss.Parts.NONE;
        for (Future<MultiBoxLoss.Parts> f : results) total = total.plus(get(f));
        int n = total.positives();
        List<io.mssd.core.train.TrainingGraph.Pass> gp = new ArrayList<>();
        for (SsdTrainingNetwork.ImagePass p : passes) gp.add(p.graphPass());
        net.graph().collectGradients(gp, n > 0 ? 1f / n : 0f);
        float lr = schedule.rate(step) * opt.rateScale(e);
        optimizer.step(net.parameters(), lr);
        net.graph().weightsChanged();
        step++;
        double cls = n > 0 ? total.classSum() / n : 0, box = n > 0 ? total.boxSum() / n : 0;
        return new Step(step, totalSteps, e, cls + box, cls, box, n, lr, frozen);
    }

    @Override
    public void close() {
        compute.shutdownNow();
        loaders.shutdownNow();
    }
}
