package io.mssd.tools.cli;

import com.google.gson.GsonBuilder;
import io.mssd.tools.coco.CocoDataset;
import io.mssd.tools.coco.CocoDetection;
import io.mssd.tools.coco.CocoEvalParams;
import io.mssd.tools.coco.CocoEvalResult;
import io.mssd.tools.coco.CocoEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mssd score}: COCO bbox mAP of a results file, exactly as pycocotools computes it. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "COCO bbox evaluation of a results file against ground truth (pycocotools' numbers).")
public final class ScoreCommand implements Callable<Integer> {

    @Option(names = "--gt", required = true, description = "Ground truth: COCO instances JSON (.json or .json.gz).")
    Path gtFile;

    @Option(names = "--dt", required = true, description = "Results: [{image_id, category_id, bbox, score}] (.json or .json.gz).")
    Path dtFile;

    @Option(names = "--json", description = "Print the 12 stats as JSON {\"AP\": .., ..., \"ARl\": ..}.")
    boolean json;

    @Option(names = "--per-class", description = "Also print AP per category.")
    boolean perClass;

    @Option(names = "--threads", description = "Threads (default: all cores).")
    Integer threads;

    @Option(names = "--no-cats", description = "useCats=0: match detections to ground truth of any category.")
    boolean noCats;

    @Option(names = "--img-ids", split = ",", description = "Evaluate only these image ids.")
    long[] imgIds;

    @Option(names = "--cat-ids", split = ",", description = "Evaluate only these category ids.")
    long[] catIds;

    @Option(names = "--ignore-unknown-categories",
            description = "Skip results whose category_id is not in the ground truth (pycocotools does) instead of failing.")
    boolean ignoreUnknown;

    @Option(names = "--timing", description = "Print when the files were read, the evaluation time and peak heap on stderr.")
    boolean timing;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        long parsedAtMillis = timing ? ManagementFactory.getRuntimeMXBean().getUptime() : 0;
        // the two files are read side by side, usually since before picocli parsed this command line (see Main)
        ScoreInputs inputs = ScoreInputs.of(gtFile, dtFile);
        CocoDataset gt = inputs.dataset();
        List<CocoDetection> dt = inputs.results();
        long t1 = System.nanoTime();
        CocoEvalParams p = new CocoEvalParams();
        p.useCats = !noCats;
        p.imgIds = imgIds;
        p.catIds = catIds;
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        CocoEvalResult r = new CocoEvaluator(gt, dt, p, n, dtFile.toString(), ignoreUnknown).run();
        long t2 = System.nanoTime();
        print(r, gt, json, perClass);
        if (timing) {
            // the options that decide this run's speed: mssd's own choice (see Main) or the user's
            String jvm = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(o -> Main.choosesCompilation(o) || Main.choosesCollector(o)).toList());
            // times since the JVM started: the reads began before the command line was parsed (ScoreInputs)
            System.err.printf(Locale.ROOT, "JVM %s: command line parsed at %.3f s, files read at %.3f s (begun at %.3f s;"
                    + " %d images, %d annotations, %d results), evaluate+accumulate %.3f s on %d threads, peak heap %.0f MiB%n",
                    jvm.isEmpty() ? "(default options)" : "(" + jvm + ")", parsedAtMillis / 1e3,
                    parsedAtMillis / 1e3 + (t1 - t0) / 1e9, parsedAtMillis / 1e3 - (t0 - inputs.startedNanos) / 1e9,
                    gt.images().size(), gt.annotations().size(), dt.size(), (t2 - t1) / 1e9, n, peakHeapBytes() / 1048576.0);
        }
        return 0;
    }

    static void print(CocoEvalResult r, CocoDataset gt, boolean json, boolean perClass) {
        double[] s = r.stats();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < 12; i++) m.put(CocoEvalResult.STAT_NAMES[i], s[i]);
            if (perClass) m.put("per_class", perClass(r, gt));
            System.out.println(new GsonBuilder().serializeSpecialFloatingPointValues().create().toJson(m));
            return;
        }
        System.out.print(r.summaryText());
        if (perClass) {
            System.out.println("per-category AP @[ IoU=0.50:0.95 | area=all | maxDets=100 ]:");
            perClass(r, gt).forEach((name, ap) -> System.out.printf(Locale.ROOT, "  %-24s %.3f%n", name, ap));
        }
    }

    static Map<String, Double> perClass(CocoEvalResult r, CocoDataset gt) {
        Map<Long, String> names = new HashMap<>();
        for (CocoDataset.Category c : gt.categories()) names.put(c.id(), c.name());
        Map<String, Double> out = new LinkedHashMap<>();
        long[] ids = r.catIds();
        for (int k = 0; k < ids.length; k++) out.put(names.getOrDefault(ids[k], "all"), r.categoryAp(k));
        return out;
    }

    static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) peak += pool.getPeakUsage().getUsed();
        }
        return peak;
    }
}
