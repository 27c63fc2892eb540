package io.mssd.spark;

import io.mssd.tools.coco.CategoryMapping;
import io.mssd.tools.coco.CocoDataset;
import io.mssd.tools.coco.CocoDetection;
import io.mssd.tools.coco.CocoEvalParams;
import io.mssd.tools.coco.CocoEvalResult;
import io.mssd.tools.coco.CocoEvaluator;
import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * COCO evaluation as a Spark job. Categories are independent in COCOeval, so the executors run
 * evaluateImg and the per-category accumulation for their share of the categories (the same code as
 * `mssd score`), and the driver assembles the precision/recall arrays and summarises: the 12 stats
 * are those of the single-machine evaluator, bit for bit. `eval` first runs the detection job on the
 * dataset's images and turns each image's detections into COCO results as `mssd eval` does.
 */
public final class DistributedCocoEval {
    private DistributedCocoEval() {}

    /** score: ground truth and results evaluated on the executors, `partitions` tasks (0: default parallelism). */
    public static CocoEvalResult score(SparkSession spark, CocoDataset gt, List<CocoDetection> dt, CocoEvalParams p, String dtSource,
                                       boolean ignoreUnknownCategories, int partitions) {
        CocoEvaluator driver = new CocoEvaluator(gt, dt, p, 1, dtSource, ignoreUnknownCategories); // checks the results first
        int k = driver.categoryCount();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<CocoDataset> gtB = jsc.broadcast(gt);
        Broadcast<ArrayList<CocoDetection>> dtB = jsc.broadcast(new ArrayList<>(dt));
        List<Integer> ks = new ArrayList<>();
        for (int i = 0; i < k; i++) ks.add(i);
        int n = partitions > 0 ? partitions : jsc.defaultParallelism();
        List<CocoEvaluator.CategoryResult> parts = jsc.parallelize(ks, Math.max(1, Math.min(n, k))).mapPartitions(it -> {
            List<Integer> mine = new ArrayList<>();
            it.forEachRemaining(mine::add);
            if (mine.isEmpty()) return java.util.Collections.<CocoEvaluator.CategoryResult>emptyIterator();
            CocoEvaluator e = new CocoEvaluator(gtB.value(), dtB.value(), p, 1, dtSource, ignoreUnknownCategories);
            return e.evaluateCategories(mine.stream().mapToInt(Integer::intValue).toArray()).iterator();
        }).collect();
        return driver.assemble(parts);
    }

    /** The detections of an evaluation: one detection job over the dataset's images, then COCO results (image ids, category ids). */
    public static List<CocoDetection> detect(SparkSession spark, CocoDataset gt, String imageFolder, DetectionSettings settings,
                                             boolean allowUnmapped, int partitions, List<String> errors) {
        Map<String, Long> idOf = new HashMap<>();
        List<String> paths = new ArrayList<>();
        String base = imageFolder.endsWith("/") ? imageFolder : imageFolder + "/";
        for (CocoDataset.Image im : gt.images()) {
            if (im.fileName() == null) throw new IllegalArgumentException("ground truth image " + im.id() + " has no file_name");
            paths.add(base + im.fileName());
            idOf.put(base + im.fileName(), im.id());
        }
        Detector local = ExecutorDetectors.get(settings.model(), settings.labels());
        CategoryMapping map = CategoryMapping.byName(local.model().labels(), gt, allowUnmapped);
        List<Row> rows = BatchDetection.run(spark, paths, settings, partitions).collectAsList();
        Map<Long, List<CocoDetection>> byImage = new HashMap<>();
        for (Row r : rows) {
            String path = r.getString(0);
            if (!r.isNullAt(4)) {
                errors.add(r.getString(4));
                continue;
            }
            List<Detection> dets = new ArrayList<>();
            for (Row d : r.<Row>getList(3)) {
                List<Float> b = d.getList(2);
                dets.add(new Detection(d.getString(0), local.model().labels().indexOf(d.getString(0)), d.getFloat(1),
                        new io.mssd.ssd.box.Box(b.get(0), b.get(1), b.get(2), b.get(3))));
            }
            byImage.put(idOf.get(path), io.mssd.tools.coco.CocoResults.of(idOf.get(path), dets, map));
        }
        List<CocoDetection> out = new ArrayList<>(); // in the ground truth's image order, as `mssd eval` writes them
        for (CocoDataset.Image im : gt.images()) out.addAll(byImage.getOrDefault(im.id(), List.of()));
        return out;
    }
}
