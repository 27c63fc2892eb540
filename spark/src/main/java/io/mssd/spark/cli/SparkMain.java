package io.mssd.spark.cli;

import io.mssd.spark.BatchDetection;
import io.mssd.spark.DetectionSettings;
import io.mssd.spark.DistributedCocoEval;
import io.mssd.spark.SparkSessions;
import io.mssd.tools.cli.MssdCommand;
import io.mssd.tools.coco.CocoDataset;
import io.mssd.tools.coco.CocoDetection;
import io.mssd.tools.coco.CocoEvalParams;
import io.mssd.tools.coco.CocoEvalResult;
import io.mssd.tools.coco.CocoJson;
import io.mssd.tools.coco.CocoResults;
import io.mssd.tools.launch.VectorModuleLauncher;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code java -jar spark/target/mssd-spark.jar detect|score|eval --master local[N] ...}, or the same main
 * class through spark-submit. Errors: one line, exit code 2 (MSSD_DEBUG=1 adds the stack trace).
 */
@Command(name = "mssd-spark", mixinStandardHelpOptions = true, subcommands = {SparkMain.Detect.class, SparkMain.Video.class, SparkMain.Score.class, SparkMain.Eval.class},
        description = "mssd's detectors and COCO evaluator as Apache Spark jobs.")
public final class SparkMain implements Runnable {

    /** What Spark's launcher adds on Java 17, plus the Vector API module. */
    static final List<String> JVM_OPTIONS = List.of("--add-modules=jdk.incubator.vector", "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true");

    public static void main(String[] args) {
        // `java -jar` cannot set JVM options: start the same main again with Spark's opens and the vector module
        if (!Object.class.getModule().isOpen("sun.nio.ch", SparkMain.class.getModule()) && System.getProperty("mssd.relaunched") == null) {
            java.util.OptionalInt code = VectorModuleLauncher.relaunch(SparkMain.class, args, JVM_OPTIONS);
            if (code.isPresent()) System.exit(code.getAsInt());
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return MssdCommand.withErrorHandlers(new CommandLine(new SparkMain()));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static class Common {
        @Option(names = "--master", description = "Spark master, e.g. local[2] (default: spark-submit's; local[*] outside it).")
        String master;

        @Option(names = "--partitions", defaultValue = "0", description = "Tasks (default: the session's parallelism).")
        int partitions;
    }

    static class ModelChoice {
        @Option(names = "--model", defaultValue = io.mssd.ssd.model.ModelZoo.DEFAULT, description = "As mssd detect --model (default ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--labels", description = "Label file for tflite: / onnx: models.")
        String labels;

        @Option(names = "--min-score", description = "Minimum score (default: the model's).")
        Float minScore;

        /** What the executors load and keep; {@code minScoreDefault} where --min-score is not given (null: the model's). */
        DetectionSettings settings(Float minScoreDefault) {
            return new DetectionSettings(model, labels, minScore != null ? minScore : minScoreDefault, null, null);
        }
    }

    @Command(name = "detect", mixinStandardHelpOptions = true, description = "Detection on a folder, glob or list of images; JSON lines or Parquet.")
    static final class Detect implements Callable<Integer> {
        @CommandLine.Mixin Common common = new Common();
        @CommandLine.Mixin ModelChoice model = new ModelChoice();

        @Option(names = "--images", description = "Folder or glob of images (any Hadoop file system URI).")
        String images;

        @Option(names = "--list", description = "Text file listing image paths or URIs, one a line.")
        String list;

        @Option(names = "--out", required = true, description = "Output folder (Spark's part files).")
        String out;

        @Option(names = "--format", defaultValue = "json", description = "json (lines shaped as mssd detect --json) or parquet.")
        String format;

        @Override
        public Integer call() throws Exception {
            if ((images == null) == (list == null)) throw new IllegalArgumentException("give --images or --list");
            if (!format.equals("json") && !format.equals("parquet")) throw new IllegalArgumentException("--format must be json or parquet");
            SparkSession spark = SparkSessions.get(common.master, "mssd detect");
            List<String> paths = BatchDetection.paths(spark, images != null ? images : list, list != null);
            long t0 = System.nanoTime();
            Dataset<Row> rows = BatchDetection.run(spark, paths, model.settings(null),
                    common.partitions).cache();
            rows.write().mode("overwrite").format(format).save(out);
            long failed = rows.filter("error is not null").count();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%d images (%d failed, see their error field) in %.1f s, %.1f images/s; wrote %s%n", paths.size(), failed, s,
                    paths.size() / s, out);
            spark.stop();
            return 0;
        }
    }

    @Command(name = "video", mixinStandardHelpOptions = true, description = "Video files, one task each, JSON lines (and annotated videos) like mssd video.")
    static final class Video implements Callable<Integer> {
        @CommandLine.Mixin Common common = new Common();
        @CommandLine.Mixin ModelChoice model = new ModelChoice();

        @Option(names = "--list", required = true, description = "Text file listing video paths, one a line (files every executor can read).")
        String list;

        @Option(names = "--out", required = true, description = "Output folder every executor can write: NAME.jsonl (and NAME-out.mp4) per video.")
        String out;

        @Option(names = "--track", description = "Track objects (ByteTrack), as mssd video --track.")
        boolean track;

        @Option(names = "--write-video", description = "Also write each annotated video.")
        boolean writeVideo;

        @Option(names = "--max-frames", defaultValue = "0", description = "Frames of each video to process (default 0: all).")
        long maxFrames;

        @Override
        public Integer call() throws Exception {
            SparkSession spark = SparkSessions.get(common.master, "mssd video");
            List<String> videos = BatchDetection.paths(spark, list, true);
            List<Row> rows = io.mssd.spark.VideoBatch.run(spark, videos, model.settings(null),
                    out, track, writeVideo, maxFrames).collectAsList();
            int failed = 0;
            for (Row r : rows) {
                if (!r.isNullAt(5)) {
                    failed++;
                    System.err.println("mssd-spark video: " + r.getString(5));
                } else {
                    System.out.printf(Locale.ROOT, "%s: %d frames in %.1f s -> %s%n", r.getString(0), r.getLong(1), r.getDouble(2), r.getString(4));
                }
            }
            spark.stop();
            return failed == 0 ? 0 : 2;
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true, description = "COCO evaluation of a results file, categories spread over the executors.")
    static final class Score implements Callable<Integer> {
        @CommandLine.Mixin Common common = new Common();

        @Option(names = "--gt", required = true, description = "Ground truth (COCO instances JSON, or .gz).")
        Path gt;

        @Option(names = "--dt", required = true, description = "Results file (a JSON array, plain or .gz; any Hadoop URI), read on the executors.")
        String dt;

        @Override
        public Integer call() throws Exception {
            CocoDataset g = CocoJson.readDataset(gt);
            SparkSession spark = SparkSessions.get(common.master, "mssd score");
            // the results file is read on the executors: it may be larger than the driver could hold
            CocoEvalResult r = DistributedCocoEval.scoreFile(spark, g, dt, new CocoEvalParams(), false);
            System.out.print(r.summaryText());
            spark.stop();
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = "Detection on a COCO dataset's images, then COCO evaluation, on Spark.")
    static final class Eval implements Callable<Integer> {
        @CommandLine.Mixin Common common = new Common();
        @CommandLine.Mixin ModelChoice model = new ModelChoice();

        @Option(names = "--images", required = true, description = "The dataset's image folder (any Hadoop file system URI).")
        String images;

        @Option(names = "--ann", required = true, description = "Ground truth (COCO instances JSON).")
        Path ann;

        @Option(names = "--out", required = true, description = "Results file to write.")
        Path out;

        @Option(names = "--allow-unmapped", description = "Drop detections whose label names no ground-truth category.")
        boolean allowUnmapped;

        @Override
        public Integer call() throws Exception {
            CocoDataset gt = CocoJson.readDataset(ann);
            SparkSession spark = SparkSessions.get(common.master, "mssd eval");
            // mAP wants the low-scoring detections too (as mssd eval)
            DetectionSettings s = model.settings(0f);
            List<String> errors = new ArrayList<>();
            long t0 = System.nanoTime();
            List<CocoDetection> results = DistributedCocoEval.detect(spark, gt, images, s, allowUnmapped, common.partitions, errors);
            double det = (System.nanoTime() - t0) / 1e9;
            for (String e : errors) System.err.println("mssd-spark eval: image failed: " + e);
            CocoResults.write(results, out);
            CocoEvalResult r = DistributedCocoEval.score(spark, gt, results, new CocoEvalParams(), out.toString(), false, common.partitions);
            System.out.printf(Locale.ROOT, "%d images (%d failed) in %.1f s, %.1f images/s; %d detections written to %s%n", gt.images().size(),
                    errors.size(), det, gt.images().size() / det, results.size(), out);
            System.out.print(r.summaryText());
            spark.stop();
            return errors.isEmpty() ? 0 : 2;
        }
    }
}
