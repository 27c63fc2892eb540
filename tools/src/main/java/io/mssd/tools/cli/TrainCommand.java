package io.mssd.tools.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mssd.core.io.SafeTensors;
import io.mssd.core.train.LearningRateSchedule;
import io.mssd.ssd.Detector;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.ssd.model.MssdModelFormat;
import io.mssd.ssd.model.SsdModel;
import io.mssd.ssd.train.ClassHead;
import io.mssd.ssd.train.SsdTrainingNetwork;
import io.mssd.ssd.train.Trainer;
import io.mssd.ssd.train.TrainerOptions;
import io.mssd.tools.data.DecodedSamples;
import io.mssd.tools.data.LabelledImage;
import io.mssd.tools.data.TrainingData;
import io.mssd.tools.progress.ProgressBar;
import io.mssd.tools.train.DetectionValidator;
import io.mssd.tools.train.TrainingCurves;
import io.mssd.tools.video.ProcessMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mssd train}: fine-tunes an SSD on a labelled dataset and writes a model folder. */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Fine-tune an SSD-MobileNet on your own labelled images (VOC folder or COCO JSON).",
        "Writes OUT/model.json + weights.safetensors (the best model by validation AP with --val, else the last),",
        "OUT/checkpoint/ after every epoch, OUT/curves.png and OUT/history.json."})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--init", defaultValue = io.mssd.ssd.model.ModelZoo.DEFAULT, description = "Starting model: zoo name (default ${DEFAULT-VALUE},"
            + " the embedded COCO detector), tflite:FILE (trained as the float model it defines), caffe:..., or a model folder.")
    String init;

    @Option(names = "--data", required = true, description = "Training data: a VOC folder (images/ + annotations/*.xml) or coco:ANNOTATIONS.json,IMAGES_DIR.")
    String data;

    @Option(names = "--val", description = "Validation data (same forms): COCO AP/AP50 after each epoch; the best epoch is kept.")
    String val;

    @Option(names = "--holdout", description = "Hold out every N-th image of --data (the N-th, 2N-th, ...) as the validation set.")
    Integer holdout;

    @Option(names = "--out", required = true, description = "Output model folder.")
    Path out;

    @Option(names = "--classes", split = ",", description = "Class names of the new heads (default: the data's classes, in order of appearance).")
    List<String> classes;

    @Option(names = "--keep-head", description = "Fine-tune the model's own class head; the data's classes are mapped to its labels by name.")
    boolean keepHead;

    @Option(names = "--labels", description = "Label map for tflite: models (default: labelmap.txt beside the model).")
    Path labels;

    @Option(names = "--epochs", description = "Epochs (default 40).")
    Integer epochs;

    @Option(names = "--steps", description = "Steps (batches) instead of epochs.")
    Integer steps;

    @Option(names = "--batch", defaultValue = "16", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", description = "Base learning rate (default 0.02 for sgd, 0.001 for adam).")
    Float lr;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd (with momentum) or adam (AdamW) (default ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--weight-decay", defaultValue = "0.0005", description = "Weight decay on convolution weights (default ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--warmup-steps", defaultValue = "50", description = "Linear warm-up steps (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine or constant after warm-up (default ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--freeze", defaultValue = "auto", description = {"auto (default): new heads train alone for the first half of the epochs, then every layer",
            "at --all-layers-lr-scale times the rate; with --keep-head every layer trains from the start;",
            "backbone: heads only; none: every layer."})
    String freeze;

    @Option(names = "--all-layers-lr-scale", defaultValue = "0.1", description = "With --freeze auto: the all-layers phase runs at this times the scheduled rate (default ${DEFAULT-VALUE}).")
    float allLayersScale;

    @Option(names = "--heads-only-epochs", description = "With --freeze auto: epochs of heads-only training before all layers train (default: half).")
    Integer headsOnlyEpochs;

    @Option(names = "--no-augment", description = "No augmentation: each image as it is, through the model's preprocessing.")
    boolean noAugment;

    @Option(names = "--zoom-out", defaultValue = "3", description = "Largest zoom-out of the augmentation (default ${DEFAULT-VALUE}; 1 = none).")
    float zoomOut;

    @Option(names = "--no-shuffle", description = "Take images in file order (VOC: natural order of names; COCO: the images array).")
    boolean noShuffle;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of initialisation, shuffling and augmentation (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    Integer threads;

    @Option(names = "--resume", description = "Continue a run from OUT/checkpoint (or the checkpoint folder given), exactly; give the run's other options again.")
    Path resume;

    @Option(names = "--stop-after", description = "Stop after this many epochs of this run (the checkpoint lets --resume go on later).")
    Integer stopAfter;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        TrainerOptions opt = options(); // bad options fail before any file is read
        List<LabelledImage> train = TrainingData.open(data);
        List<LabelledImage> valSet = val == null ? null : TrainingData.open(val);
        if (holdout != null) {
            if (val != null) throw new IllegalArgumentException("--holdout and --val exclude each other");
            if (holdout < 2) throw new IllegalArgumentException("--holdout must be >= 2, got " + holdout);
            List<LabelledImage> kept = new ArrayList<>();
            valSet = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) (i % holdout == holdout - 1 ? valSet : kept).add(train.get(i));
            train = kept;
        }
        SsdModel model;
        Path ckpt = null;
        JsonObject history = new JsonObject();
        if (resume != null) {
            ckpt = MssdModelFormat.isModelDir(resume.resolve("checkpoint")) ? resume.resolve("checkpoint") : resume;
            if (!MssdModelFormat.isModelDir(ckpt)) throw new IllegalArgumentException("--resume " + resume + ": no checkpoint (model.json) there");
            model = MssdModelFormat.read(ckpt);
            history = JsonParser.parseString(Files.readString(ckpt.resolve("history.json"))).getAsJsonObject();
        } else {
            model = ModelZoo.loadFloat(init, labels);
            if (!keepHead) {
                List<String> names = classes != null ? classes : TrainingData.classNames(train);
                model = ClassHead.replace(model, names, seed);
            }
        }
        SsdTrainingNetwork net = new SsdTrainingNetwork(model);
        int side = Math.max(model.inputShape().h(), model.inputShape().w());
        DecodedSamples samples = new DecodedSamples(train, model.labels(), noAugment ? 0 : 2 * side, 1536L << 20);
        DetectionValidator validator = valSet == null ? null : new DetectionValidator(valSet, model.labels());
        Files.createDirectories(out);
        List<Double> loss = doubles(history, "loss"), ap = doubles(history, "AP"), ap50 = doubles(history, "AP50");
        double[] best = {history.has("best_AP") ? history.get("best_AP").getAsDouble() : -1};
        int[] bestEpoch = {history.has("best_epoch") ? history.get("best_epoch").getAsInt() : -1};
        SsdModel m = model;
        int stepsThisRun;
        try (Trainer trainer = new Trainer(net, samples, opt); Detector detector = new Detector(m, opt.threads())) {
            if (ckpt != null) trainer.restore(SafeTensors.read(ckpt.resolve("optimizer.safetensors")).entrySet().stream()
                    .collect(LinkedHashMap::new, (mm, e) -> mm.put(e.getKey(), e.getValue().values()), Map::putAll));
            System.err.printf(Locale.ROOT, "training %s on %d images (%d boxes), %s; %d epochs of %d steps, batch %d, %s lr %.4g, %s%s%n",
                    m.name(), train.size(), train.stream().mapToInt(i -> i.classes().size()).sum(), String.join(",", m.labels()),
                    trainer.totalEpochs(), trainer.stepsPerEpoch(), opt.batch(), opt.optimizer(), opt.lr(),
                    switch (opt.freeze()) { case AUTO -> "heads only for " + opt.headsOnlyEpochs() + " epochs, then all layers";
                        case BACKBONE -> "heads only"; case NONE -> "all layers"; },
                    valSet == null ? "" : ", validating on " + valSet.size() + " images");
            ProgressBar bar = new ProgressBar(System.err, (long) trainer.totalSteps() * opt.batch(), "img");
            long[] done = {(long) trainer.stepsDone() * opt.batch()};
            long[] tEpoch = {System.nanoTime()};
            int until = stopAfter == null ? Integer.MAX_VALUE : trainer.epoch() + stopAfter;
            int stepsBefore = trainer.stepsDone();
            trainer.run(until, new Trainer.Listener() {
                @Override
                public void step(Trainer.Step s) {
                    done[0] = Math.min((long) s.step() * opt.batch(), (long) trainer.totalSteps() * opt.batch());
                    bar.status(String.format(Locale.ROOT, "epoch %d loss %.3f (cls %.3f box %.3f) lr %.5f%s", s.epoch() + 1, s.loss(),
                            s.classLoss(), s.boxLoss(), s.lr(), s.backboneFrozen() ? " heads" : " all"));
                    bar.update(done[0]);
                }

                @Override
                public void epochEnd(int epoch, double meanLoss) {
                    try {
                        loss.add(meanLoss);
                        String valText = "";
                        if (validator != null) {
                            double[] st = validator.evaluate(detector);
                            ap.add(st[0]);
                            ap50.add(st[1]);
                            valText = String.format(Locale.ROOT, "  val AP %.3f AP50 %.3f", st[0], st[1]);
                            if (st[0] > best[0]) {
                                best[0] = st[0];
                                bestEpoch[0] = epoch + 1;
                                MssdModelFormat.write(m, out, provenance(m, opt, trainer, epoch + 1, st));
                                valText += " (best)";
                            }
                        }
                        ProcessMemory mem = ProcessMemory.now();
                        System.err.printf(Locale.ROOT, "%nepoch %d/%d: loss %.4f%s  %.1f s  heap %d MiB  RSS %d MiB%n", epoch + 1,
                                trainer.totalEpochs(), meanLoss, valText, (System.nanoTime() - tEpoch[0]) / 1e9,
                                mem.heapUsedBytes() >> 20, mem.rssBytes() >> 20);
                        tEpoch[0] = System.nanoTime();
                        JsonObject h = historyJson(loss, ap, ap50, best[0], bestEpoch[0]);
                        Path c = out.resolve("checkpoint");
                        MssdModelFormat.write(m, c, provenance(m, opt, trainer, epoch + 1, null));
                        Map<String, SafeTensors.Entry> state = new LinkedHashMap<>();
                        trainer.state().forEach((k, v) -> state.put(k, new SafeTensors.Entry(new int[] {v.length}, v)));
                        SafeTensors.write(c.resolve("optimizer.safetensors"), state, Map.of());
                        Files.writeString(c.resolve("history.json"), h.toString(), StandardCharsets.UTF_8);
                        Files.writeString(out.resolve("history.json"), new GsonBuilder().setPrettyPrinting().create().toJson(h));
                        TrainingCurves.write(out.resolve("curves.png"), "mssd train: " + m.name() + " on " + data, loss, ap, ap50);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            bar.finish(done[0]);
            stepsThisRun = trainer.stepsDone() - stepsBefore;
            if (validator == null) {
                MssdModelFormat.write(m, out, provenance(m, opt, trainer, trainer.epoch(), null));
            } else {
                MssdModelFormat.write(m, out.resolve("last"), provenance(m, opt, trainer, trainer.epoch(), null));
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "trained %d steps in %.1f s; wrote %s%s, %s%n", stepsThisRun, secs, out,
                validator == null ? "" : String.format(Locale.ROOT, " (best epoch %d, val AP %.3f; the last epoch in %s)", bestEpoch[0],
                        best[0], out.resolve("last")), out.resolve("curves.png"));
        return 0;
    }

    TrainerOptions options() {
        TrainerOptions.Freeze f = switch (freeze) {
            // fresh class heads train alone first; a kept head is trained already, so every layer trains from the start
            case "auto" -> keepHead ? TrainerOptions.Freeze.NONE : TrainerOptions.Freeze.AUTO;
            case "backbone" -> TrainerOptions.Freeze.BACKBONE;
            case "none" -> TrainerOptions.Freeze.NONE;
            default -> throw new IllegalArgumentException("--freeze must be auto, backbone or none, got '" + freeze + "'");
        };
        LearningRateSchedule.Kind kind = switch (schedule) {
            case "cosine" -> LearningRateSchedule.Kind.COSINE;
            case "constant" -> LearningRateSchedule.Kind.CONSTANT;
            default -> throw new IllegalArgumentException("--schedule must be cosine or constant, got '" + schedule + "'");
        };
        if (!optimizer.equals("sgd") && !optimizer.equals("adam")) throw new IllegalArgumentException("--optimizer must be sgd or adam, got '" + optimizer + "'");
        if (keepHead && classes != null) throw new IllegalArgumentException("--keep-head and --classes exclude each other");
        if (stopAfter != null && stopAfter < 1) throw new IllegalArgumentException("--stop-after must be >= 1, got " + stopAfter);
        TrainerOptions o = TrainerOptions.defaults();
        if (epochs != null) {
            if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
            o = o.withEpochs(epochs);
        }
        if (steps != null) {
            if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
            o = o.withSteps(steps);
        }
        float rate = lr != null ? lr : (optimizer.equals("adam") ? 0.001f : o.lr());
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + t);
        return o.withBatch(batch).withOptimizer(optimizer, rate, momentum, weightDecay).withSchedule(warmup, kind)
                .withFreeze(f, headsOnlyEpochs != null ? headsOnlyEpochs : o.headsOnlyEpochs()).withAllLayersLrScale(allLayersScale).withData(!noAugment, zoomOut, !noShuffle, seed).withThreads(t);
    }

    private JsonObject provenance(SsdModel m, TrainerOptions opt, Trainer trainer, int epoch, double[] stats) {
        JsonObject p = new JsonObject();
        p.addProperty("source", init);
        p.addProperty("created_by", "mssd train");
        JsonObject t = new JsonObject();
        t.addProperty("data", data);
        if (val != null) t.addProperty("val", val);
        if (holdout != null) t.addProperty("holdout", "every " + holdout + "th image of the data");
        t.addProperty("classes", String.join(",", m.labels()));
        t.addProperty("head", keepHead ? "the source model's own, fine-tuned" : "new class predictors (background output kept, classes seeded)");
        t.addProperty("epochs_done", epoch);
        t.addProperty("steps_done", trainer.stepsDone());
        t.add("options", new Gson().toJsonTree(opt));
        if (stats != null) {
            t.addProperty("val_AP", stats[0]);
            t.addProperty("val_AP50", stats[1]);
        }
        p.add("training", t);
        return p;
    }

    private static JsonObject historyJson(List<Double> loss, List<Double> ap, List<Double> ap50, double best, int bestEpoch) {
        JsonObject h = new JsonObject();
        h.add("loss", array(loss));
        h.add("AP", array(ap));
        h.add("AP50", array(ap50));
        h.addProperty("best_AP", best);
        h.addProperty("best_epoch", bestEpoch);
        return h;
    }

    private static JsonArray array(List<Double> v) {
        JsonArray a = new JsonArray();
        v.forEach(a::add);
        return a;
    }

    private static List<Double> doubles(JsonObject h, String key) {
        List<Double> out = new ArrayList<>();
        if (h.has(key)) h.getAsJsonArray(key).forEach(e -> out.add(e.getAsDouble()));
        return out;
    }
}
