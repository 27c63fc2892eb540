package io.mssd.spark;

import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.ssd.RgbImage;
import io.mssd.tools.image.MatImages;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Batch detection as a Spark job: image paths (a folder, a glob, or a text file listing one path or URI
 * a line; any Hadoop file system) are read and decoded on the executors, each executor JVM's one
 * detector runs on them, and each image becomes a row shaped as `mssd detect --json` prints it:
 * image, width, height, detections [{label, score, box [x1, y1, x2, y2]}], plus error (null when
 * it worked: a missing or corrupt file gives its row an error and the job goes on).
 */
public final class BatchDetection {
    private BatchDetection() {}

    public static final StructType DETECTION = new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.StringType, false),
        DataTypes.createStructField("score", DataTypes.FloatType, false),
        DataTypes.createStructField("box", DataTypes.createArrayType(DataTypes.FloatType, false), false)});

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("image", DataTypes.StringType, false),
        DataTypes.createStructField("width", DataTypes.IntegerType, true),
        DataTypes.createStructField("height", DataTypes.IntegerType, true),
        DataTypes.createStructField("detections", DataTypes.createArrayType(DETECTION, false), true),
        DataTypes.createStructField("error", DataTypes.StringType, true)});

    /** The image paths an input names: a folder's image files, a glob's matches, or a list file's lines (in order). */
    public static List<String> paths(SparkSession spark, String input, boolean isList) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<String> out = new ArrayList<>();
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(input);
        FileSystem fs = p.getFileSystem(conf);
        if (isList) {
            if (!fs.exists(p)) throw new IllegalArgumentException(input + ": no such list file");
            try (InputStream in = fs.open(p)) {
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) out.add(line.strip());
                }
            }
            return out;
        }
        org.apache.hadoop.fs.FileStatus[] found = fs.exists(p) && fs.getFileStatus(p).isDirectory() ? fs.listStatus(p) : fs.globStatus(p);
        if (found == null || found.length == 0) throw new IllegalArgumentException(input + ": no such folder, or no file matches");
        for (org.apache.hadoop.fs.FileStatus s : found) {
            String name = s.getPath().getName().toLowerCase(java.util.Locale.ROOT);
            if (s.isFile() && name.matches(".*\\.(jpe?g|png|bmp|webp|tiff?)$")) out.add(s.getPath().toString());
        }
        java.util.Collections.sort(out);
        if (out.isEmpty()) throw new IllegalArgumentException(input + ": no image files (jpg, png, bmp, webp, tif)");
        return out;
    }

    /** Detection on every path, `partitions` tasks (0: Spark's default parallelism). */
    public static Dataset<Row> run(SparkSession spark, List<String> paths, DetectionSettings settings, int partitions) {
        int n = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        Dataset<String> ds = spark.createDataset(paths, Encoders.STRING()).repartition(Math.max(1, Math.min(n, paths.size())));
        org.apache.spark.broadcast.Broadcast<org.apache.spark.util.SerializableConfiguration> conf = spark.sparkContext().broadcast(
                new org.apache.spark.util.SerializableConfiguration(spark.sparkContext().hadoopConfiguration()),
                scala.reflect.ClassTag$.MODULE$.apply(org.apache.spark.util.SerializableConfiguration.class));
        MapPartitionsFunction<String, Row> detect = it -> detectAll(it, settings, conf.value().value());
        return ds.mapPartitions(detect, Encoders.row(SCHEMA));
    }

    private static Iterator<Row> detectAll(Iterator<String> paths, DetectionSettings settings, Configuration conf) {
        Detector d = ExecutorDetectors.get(settings.model(), settings.labels());
        io.mssd.ssd.DetectorOptions opt = settings.options(d);
        List<Row> out = new ArrayList<>();
        while (paths.hasNext()) out.add(detectOne(paths.next(), d, opt, conf));
        return out.iterator();
    }

    /** One image's row; a missing or undecodable file is an error row. */
    static Row detectOne(String path, Detector d, io.mssd.ssd.DetectorOptions opt, Configuration conf) {
        RgbImage img;
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) return RowFactory.create(path, null, null, null, path + ": no such file");
            byte[] bytes;
            try (InputStream in = fs.open(p)) {
                bytes = in.readAllBytes();
            }
            img = MatImages.decode(bytes, path);
        } catch (IOException | IllegalArgumentException e) {
            return RowFactory.create(path, null, null, null, e.getMessage());
        }
        List<Detection> found = d.detect(img, opt);
        List<Row> rows = new ArrayList<>();
        for (Detection x : found) {
            rows.add(RowFactory.create(x.label(), x.score(), scala.jdk.javaapi.CollectionConverters.asScala(
                    List.of(x.box().x1(), x.box().y1(), x.box().x2(), x.box().y2())).toSeq()));
        }
        return RowFactory.create(path, img.width(), img.height(), scala.jdk.javaapi.CollectionConverters.asScala(rows).toSeq(), null);
    }
}
