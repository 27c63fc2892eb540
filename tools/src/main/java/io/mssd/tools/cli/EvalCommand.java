package io.mssd.tools.cli;

import io.mssd.ssd.Detector;
import io.mssd.ssd.DetectorOptions;
import io.mssd.tools.coco.CategoryMapping;
import io.mssd.tools.coco.CocoDataset;
import io.mssd.tools.coco.CocoDetection;
import io.mssd.tools.coco.CocoEvalParams;
import io.mssd.tools.coco.CocoEvalResult;
import io.mssd.tools.coco.CocoEvaluator;
import io.mssd.tools.coco.CocoJson;
import io.mssd.tools.coco.CocoResults;
import io.mssd.tools.coco.PrecisionRecallPlot;
import io.mssd.tools.image.MatImages;
import io.mssd.tools.progress.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code mssd eval}: run a detector over a COCO-format dataset, write results, score them, plot PR curves. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Detect on every image of a COCO-format dataset, write the results file and print COCO mAP.")
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--images", required = true, description = "Folder with the dataset's images (file_name is relative to it).")
    Path images;

    @Option(names = "--ann", required = true, description = "COCO instances JSON (ground truth).")
    Path ann;

    @Mixin
    ModelOptions model;

    @Option(names = "--out", required = true, description = "Results file to write: [{image_id, category_id, bbox, score}].")
    Path out;

    @Option(names = "--plot", description = "Write precision-recall curves (PNG).")
    Path plot;

    @Option(names = "--per-class", description = "Also print AP per category.")
    boolean perClass;

    @Option(names = "--allow-unmapped", description = "Drop detections whose label names no dataset category (default: error).")
    boolean allowUnmapped;

    @Mixin
    InFlightOption inFlight;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(images)) throw new IllegalArgumentException(images + ": no such image folder");
        CocoDataset gt = CocoJson.readDataset(ann);
        List<CocoDetection> results = new ArrayList<>();
        int inFlightImages = inFlight.count(model.threadCount(), false);
        try (Detector d = InFlightOption.load(model, inFlightImages)) {
            CategoryMapping map = CategoryMapping.byName(d.model().labels(), gt, allowUnmapped);
            // mAP wants the low-scoring detections too: unless told otherwise keep all the model gives
            DetectorOptions options = model.minScore == null ? model.options(d).withMinScore(0f) : model.options(d);
            List<Path> files = new ArrayList<>();
            for (CocoDataset.Image im : gt.images()) {
                if (im.fileName() == null) throw new IllegalArgumentException(ann + ": image " + im.id() + " has no file_name");
                Path file = images.resolve(im.fileName());
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException(file + ": image " + im.id() + " of " + ann + " is missing from " + images);
                }
                files.add(file);
            }
            ProgressBar bar = new ProgressBar(System.err, gt.images().size(), "images");
            long start = System.nanoTime();
            // images read and detected side by side, results gathered in the dataset's order
            ExecutorService workers = Executors.newFixedThreadPool(inFlightImages, r -> {
                Thread t = new Thread(r, "mssd-eval");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<List<CocoDetection>>> pending = new ArrayList<>();
                for (int i = 0; i < files.size(); i++) {
                    Path file = files.get(i);
                    long id = gt.images().get(i).id();
                    pending.add(workers.submit(() -> CocoResults.of(id, d.detect(MatImages.read(file), options), map)));
                }
                int done = 0;
                for (Future<List<CocoDetection>> f : pending) {
                    results.addAll(resultOf(f));
                    bar.update(++done);
                }
                bar.finish(done);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "detection: %d images in %.2f s, %.1f images/s (read + detect; %s)%n", done, seconds,
                        done / seconds, inFlightImages > 1 ? inFlightImages + " in flight, one thread each" : d.threads() + " threads on each image");
            } finally {
                workers.shutdownNow();
            }
        }
        CocoResults.write(results, out);
        CocoEvalResult r = new CocoEvaluator(gt, results, new CocoEvalParams(), Runtime.getRuntime().availableProcessors(),
                out.toString(), false).run();
        System.out.printf(Locale.ROOT, "%d images, %d detections written to %s%n", gt.images().size(), results.size(), out);
        ScoreCommand.print(r, gt, false, perClass);
        if (plot != null) {
            PrecisionRecallPlot.write(r, plot, "mssd eval: " + model.model + " on " + ann.getFileName());
            System.out.println("wrote " + plot);
        }
        return 0;
    }

    /** A worker's result, its failure rethrown as it was (a bad image's message names the file). */
    private static <T> T resultOf(Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            if (e.getCause() instanceof Error er) throw er;
            throw e;
        }
    }
}
