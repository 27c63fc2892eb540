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

    /** A COCO results file's entries as Spark reads them (a top-level JSON array: one row per entry). */
    static final org.apache.spark.sql.types.StructType RESULTS = new org.apache.spark.sql.types.StructType()
            .add("image_id", org.apache.spark.sql.types.DataTypes.LongType)
            .add("category_id", org.apache.spark.sql.types.DataTypes.LongType)
            .add("bbox", org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.DoubleType))
            .add("score", org.apache.spark.sql.types.DataTypes.DoubleType);

    /**
     * score for results files too big for the driver: Spark reads the file (plain or .gz, any Hadoop
     * URI), the entries are grouped by category on the executors, each category is evaluated where
     * its entries are (in file order, which decides pycocotools' ties), and only the per-category
     * arrays come back. Needs useCats (the default); ground truth on the driver.
     */
    public static CocoEvalResult scoreFile(SparkSession spark, CocoDataset gt, String dtPath, CocoEvalParams p, boolean ignoreUnknownCategories) {
        if (!p.useCats) throw new IllegalArgumentException("reading the results file on the executors needs per-category evaluation (useCats)");
        CocoEvaluator driver = new CocoEvaluator(gt, List.of(), p, 1, dtPath, ignoreUnknownCategories);
        int k = driver.categoryCount();
        long[] catIds = driver.categoryIds();
        Map<Long, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < catIds.length; i++) indexOf.put(catIds[i], i);
        org.apache.spark.sql.Dataset<Row> rows = spark.read().option("multiLine", "true").option("mode", "FAILFAST").schema(RESULTS).json(dtPath)
                .withColumn("order", org.apache.spark.sql.functions.monotonically_increasing_id());
        long bad = rows.filter("image_id is null or category_id is null or bbox is null or size(bbox) != 4 or score is null").count();
        if (bad > 0) {
            throw new io.mssd.tools.coco.CocoFormatException(dtPath, "$", bad + " entries lack image_id, category_id, bbox [x, y, w, h] or score");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<CocoDataset> gtB = jsc.broadcast(gt);
        Broadcast<HashMap<Long, Integer>> indexB = jsc.broadcast(new HashMap<>(indexOf));
        org.apache.spark.api.java.function.FlatMapGroupsFunction<Long, Row, CocoEvaluator.CategoryResult> evaluate = (cat, it) -> {
            Integer at = indexB.value().get(cat);
            if (at == null) {
                if (ignoreUnknownCategories) return java.util.Collections.emptyIterator();
                throw new io.mssd.tools.coco.CocoFormatException(dtPath, "category_id", "category id " + cat + " is not in the ground truth categories");
            }
            List<Row> mine = new ArrayList<>();
            it.forEachRemaining(mine::add);
            mine.sort(java.util.Comparator.comparingLong(r -> r.getLong(4))); // file order
            List<CocoDetection> dets = new ArrayList<>(mine.size());
            for (Row r : mine) {
                List<Double> b = r.getList(2);
                dets.add(new CocoDetection(r.getLong(0), r.getLong(1), b.get(0), b.get(1), b.get(2), b.get(3), r.getDouble(3)));
            }
            return List.of(evaluateOne(gtB.value(), dets, p, cat, at, dtPath, ignoreUnknownCategories)).iterator();
        };
        List<CocoEvaluator.CategoryResult> parts = new ArrayList<>(rows.groupByKey(
                (org.apache.spark.api.java.function.MapFunction<Row, Long>) r -> r.getLong(1), org.apache.spark.sql.Encoders.LONG())
                .flatMapGroups(evaluate, org.apache.spark.sql.Encoders.javaSerialization(CocoEvaluator.CategoryResult.class)).collectAsList());
        // categories without any detection: their ground truth still counts
        boolean[] done = new boolean[k];
        for (CocoEvaluator.CategoryResult c : parts) done[c.k()] = true;
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < k; i++) if (!done[i]) rest.add(i);
        if (!rest.isEmpty()) {
            parts.addAll(jsc.parallelize(rest, Math.max(1, Math.min(rest.size(), jsc.defaultParallelism())))
                    .map(i -> evaluateOne(gtB.value(), List.of(), p, catIds[i], i, dtPath, ignoreUnknownCategories)).collect());
        }
        return driver.assemble(parts);
    }

    /** One category evaluated alone, placed at its index among all categories. */
    private static CocoEvaluator.CategoryResult evaluateOne(CocoDataset gt, List<CocoDetection> dets, CocoEvalParams p, long cat, int at,
                                                           String dtPath, boolean ignoreUnknownCategories) {
        CocoEvalParams one = p.copy();
        one.catIds = new long[] {cat};
        CocoEvaluator.CategoryResult r = new CocoEvaluator(gt, dets, one, 1, dtPath + " (category " + cat + ")", ignoreUnknownCategories)
                .evaluateCategories(new int[] {0}).get(0);
        return new CocoEvaluator.CategoryResult(at, r.precision(), r.recall(), r.scores());
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
