package io.mssd.spark;

import io.mssd.ssd.Detector;
import io.mssd.ssd.track.ByteTrackerOptions;
import io.mssd.tools.video.VideoDetectionPipeline;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Video files at scale: one task per file, each running `mssd video`'s pipeline (decode, detect,
 * optionally track, JSON lines and the annotated video) into an output folder every executor can
 * write (a shared file system). A file that fails, or stops early, is reported in its row; the
 * job goes on.
 */
public final class VideoBatch {
    private VideoBatch() {}

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("video", DataTypes.StringType, false),
        DataTypes.createStructField("frames", DataTypes.LongType, true),
        DataTypes.createStructField("seconds", DataTypes.DoubleType, true),
        DataTypes.createStructField("tracks", DataTypes.IntegerType, true),
        DataTypes.createStructField("json", DataTypes.StringType, true),
        DataTypes.createStructField("error", DataTypes.StringType, true)});

    /** maxFrames: frames of each video to process (0: all). */
    public static Dataset<Row> run(SparkSession spark, List<String> videos, DetectionSettings settings, String outDir, boolean track,
                                   boolean writeVideo, long maxFrames) {
        Dataset<String> ds = spark.createDataset(videos, Encoders.STRING()).repartition(Math.max(1, videos.size()));
        MapFunction<String, Row> one = v -> runOne(v, settings, outDir, track, writeVideo, maxFrames);
        return ds.map(one, Encoders.row(SCHEMA));
    }

    static Row runOne(String video, DetectionSettings settings, String outDir, boolean track, boolean writeVideo, long maxFrames) {
        String base = Path.of(video).getFileName().toString().replaceAll("\\.[^.]*$", "");
        Path json = Path.of(outDir).resolve(base + ".jsonl"), out = writeVideo ? Path.of(outDir).resolve(base + "-out.mp4") : null;
        try {
            Files.createDirectories(Path.of(outDir));
            Detector d = ExecutorDetectors.get(settings.model(), settings.labels());
            VideoDetectionPipeline.Tracking tracking = track ? new VideoDetectionPipeline.Tracking(ByteTrackerOptions.DEFAULTS, List.of()) : null;
            io.mssd.ssd.DetectorOptions opt = settings.options(d);
            if (track) opt = opt.withMinScore(0.1f).withMaxResults(100); // the tracker gets every detection above 0.1, as mssd video --track
            VideoDetectionPipeline.Settings s = new VideoDetectionPipeline.Settings(video, out, json, 1, maxFrames, 1, opt, null, tracking);
            VideoDetectionPipeline.Summary r = new VideoDetectionPipeline(d).run(s, null);
            return RowFactory.create(video, r.frames(), r.wallSeconds(), track ? r.tracksCreated() : null, json.toString(),
                    r.cutOff() == null ? null : video + ": stopped early: " + r.cutOff());
        } catch (Exception e) {
            return RowFactory.create(video, null, null, null, null, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
