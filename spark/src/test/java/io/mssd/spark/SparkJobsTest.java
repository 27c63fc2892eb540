package io.mssd.spark;

import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.tools.coco.CategoryMapping;
import io.mssd.tools.coco.CocoDataset;
import io.mssd.tools.coco.CocoDetection;
import io.mssd.tools.coco.CocoEvalParams;
import io.mssd.tools.coco.CocoEvalResult;
import io.mssd.tools.coco.CocoEvaluator;
import io.mssd.tools.coco.CocoJson;
import io.mssd.tools.coco.CocoResults;
import io.mssd.tools.image.MatImages;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark jobs in one local[2] session against the single-machine commands' results. */
class SparkJobsTest {
    static SparkSession spark;
    static final Path TOOLS_RESOURCES = Path.of("../tools/src/test/resources");
    static final Path SHARED = Path.of(System.getProperty("mssd.shared", "../../shared"));

    @BeforeAll
    static void start() {
        spark = SparkSessions.get("local[2]", "mssd tests");
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    @Test
    void detectionEqualsMssdDetectAndReportsBadFilesPerRecord(@TempDir Path dir) throws Exception {
        List<String> list = new ArrayList<>();
        for (String f : new String[] {"caffe/messi5.png", "caffe/fruits.png", "tflite-coco-ssd/baboon_rgb300.png", "Megamind_f120.png"}) {
            list.add(TOOLS_RESOURCES.resolve(f).toAbsolutePath().toString());
        }
        Path corrupt = dir.resolve("corrupt.jpg"), missing = dir.resolve("missing.png");
        Files.write(corrupt, new byte[] {(byte) 0xff, (byte) 0xd8, 0x00, 0x13, 0x37});
        list.add(corrupt.toString());
        list.add(missing.toString());
        Path listFile = dir.resolve("images.txt");
        Files.write(listFile, list);
        List<String> paths = BatchDetection.paths(spark, listFile.toString(), true);
        assertEquals(list, paths);
        List<Row> rows = BatchDetection.run(spark, paths, DetectionSettings.of(ModelZoo.DEFAULT), 3).collectAsList();
        assertEquals(6, rows.size());
        Map<String, Row> byPath = new HashMap<>();
        for (Row r : rows) byPath.put(r.getString(0), r);
        try (Detector local = new Detector(ModelZoo.load(ModelZoo.DEFAULT), 1)) {
            int detections = 0;
            for (String p : list.subList(0, 4)) {
                Row r = byPath.get(p);
                assertNull(r.get(4), p + ": " + r.get(4));
                List<Detection> want = local.detect(MatImages.read(Path.of(p)));
                List<Row> got = r.getList(3);
                assertEquals(want.size(), got.size(), p);
                for (int i = 0; i < want.size(); i++) {
                    Detection w = want.get(i);
                    Row g = got.get(i);
                    assertEquals(w.label(), g.getString(0), p);
                    assertEquals(w.score(), g.getFloat(1), 0f, p);
                    List<Float> b = g.getList(2);
                    assertEquals(List.of(w.box().x1(), w.box().y1(), w.box().x2(), w.box().y2()), b, p);
                }
                detections += want.size();
            }
            assertTrue(detections >= 4, detections + " detections compared");
        }
        assertTrue(byPath.get(corrupt.toString()).getString(4).contains("cannot decode the image"), byPath.get(corrupt.toString()).getString(4));
        assertTrue(byPath.get(missing.toString()).getString(4).contains("no such file"));
        assertNull(byPath.get(missing.toString()).get(3));
    }

    @Test
    void videosRunOneTaskEachAndAFailedFileDoesNotStopTheJob(@TempDir Path dir) throws Exception {
        Path clip = dir.resolve("clip.mp4"), bad = dir.resolve("bad.mp4"), out = dir.resolve("out");
        try (var in = getClass().getResourceAsStream("/io/mssd/tools/demo/vtest-people.mp4")) {
            byte[] b = in.readAllBytes();
            Files.write(clip, b);
            Files.write(bad, java.util.Arrays.copyOf(b, 5000));
        }
        // a short run: the first 40 frames of the demo clip, tracked, through mssd video's pipeline
        List<Row> rows = VideoBatch.run(spark, List.of(clip.toString(), bad.toString()), DetectionSettings.of(ModelZoo.DEFAULT), out.toString(),
                true, false, 40).collectAsList();
        Map<String, Row> byVideo = new HashMap<>();
        for (Row r : rows) byVideo.put(r.getString(0), r);
        Row good = byVideo.get(clip.toString()), failed = byVideo.get(bad.toString());
        assertNull(good.get(5), String.valueOf(good.get(5)));
        long lines = Files.readAllLines(Path.of(good.getString(4))).size();
        assertEquals(good.getLong(1), lines);
        assertEquals(40, lines);
        assertTrue(good.getInt(3) > 3, good.get(3) + " tracks");
        assertTrue(Files.readAllLines(Path.of(good.getString(4))).get(39).contains("\"tracks\""));
        assertTrue(failed.getString(5).contains("cannot open the video"), failed.getString(5));
    }

    @Test
    void distributedScoreEqualsTheSingleMachineEvaluator() throws Exception {
        List<Path[]> cases = new ArrayList<>();
        cases.add(new Path[] {TOOLS_RESOURCES.resolve("coco-eval/small_gt.json"), TOOLS_RESOURCES.resolve("coco-eval/small_dt.json")});
        Path large = SHARED.resolve("fixtures/coco-eval/large_gt.json.gz");
        if (Files.exists(large)) cases.add(new Path[] {large, SHARED.resolve("fixtures/coco-eval/large_dt.json.gz")});
        else System.err.println("SKIPPED the large COCO fixture: " + large + " not found");
        for (Path[] c : cases) {
            CocoDataset gt = CocoJson.readDataset(c[0]);
            List<CocoDetection> dt = CocoJson.readResults(c[1]);
            CocoEvalResult one = new CocoEvaluator(gt, dt, new CocoEvalParams(), 1, c[1].toString(), false).run();
            CocoEvalResult dist = DistributedCocoEval.score(spark, gt, dt, new CocoEvalParams(), c[1].toString(), false, 5);
            // and with the results file read and grouped by category on the executors (the driver never holds it)
            CocoEvalResult read = DistributedCocoEval.scoreFile(spark, gt, c[1].toAbsolutePath().toString(), new CocoEvalParams(), false);
            for (CocoEvalResult other : new CocoEvalResult[] {dist, read}) {
                double[] a = one.stats(), b = other.stats();
                for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-12, c[0] + " " + CocoEvalResult.STAT_NAMES[i]);
                for (int k = 0; k < one.catIds().length; k++) assertEquals(one.categoryAp(k), other.categoryAp(k), 1e-12, c[0] + " category " + k);
            }
        }
    }

    @Test
    void distributedEvalEqualsMssdEvalOnTheCocoImages() throws Exception {
        Path ann = SHARED.resolve("datasets/coco-val2017-tiny/annotations/instances_val2017.json"), images = ann.getParent().getParent().resolve("val2017");
        if (!Files.exists(ann)) System.err.println("SKIPPED Spark eval on the COCO images: " + ann + " not found");
        Assumptions.assumeTrue(Files.exists(ann));
        CocoDataset gt = CocoJson.readDataset(ann);
        DetectionSettings s = DetectionSettings.of(ModelZoo.DEFAULT).withMinScore(0f);
        List<String> errors = new ArrayList<>();
        List<CocoDetection> dist = DistributedCocoEval.detect(spark, gt, images.toAbsolutePath().toString(), s, false, 4, errors);
        assertEquals(List.of(), errors);
        List<CocoDetection> local = new ArrayList<>();
        try (Detector d = new Detector(ModelZoo.load(ModelZoo.DEFAULT), 1)) {
            CategoryMapping map = CategoryMapping.byName(d.model().labels(), gt, false);
            for (CocoDataset.Image im : gt.images()) {
                local.addAll(CocoResults.of(im.id(), d.detect(MatImages.read(images.resolve(im.fileName())), d.defaultOptions().withMinScore(0f)), map));
            }
        }
        assertEquals(local, dist);
        CocoEvalResult one = new CocoEvaluator(gt, local, new CocoEvalParams(), 1, "local", false).run();
        CocoEvalResult many = DistributedCocoEval.score(spark, gt, dist, new CocoEvalParams(), "spark", false, 4);
        assertNotNull(many);
        for (int i = 0; i < 12; i++) assertEquals(one.stats()[i], many.stats()[i], 1e-12, CocoEvalResult.STAT_NAMES[i]);
        assertTrue(one.stats()[0] > 0.15, "AP " + one.stats()[0]);
    }
}
