package io.mssd.tools.cli;

import io.mssd.ssd.Detector;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.model.ModelZoo;
import picocli.CommandLine.Option;

import java.io.IOException;

/** Options shared by every command that runs a detector. */
public final class ModelOptions {
    @Option(names = "--model", defaultValue = ModelZoo.DEFAULT,
            description = "Zoo name, tflite:FILE, onnx:FILE, caffe:PROTOTXT,CAFFEMODEL, a model folder or a TF.js manifest (default ${DEFAULT-VALUE}; see `mssd models`).")
    public String model;

    @Option(names = "--min-score", description = "Minimum score (default: the model's).")
    public Float minScore;

    @Option(names = "--iou", description = "NMS IoU threshold (default: the model's).")
    public Float iou;

    @Option(names = "--max", description = "Maximum detections per image (default: the model's).")
    public Integer max;

    @Option(names = "--nms", description = "NMS: hard (default), soft-linear or soft-gaussian (Soft-NMS rescoring).")
    public String nms;

    @Option(names = "--soft-sigma", defaultValue = "0.5", description = "Sigma of Gaussian Soft-NMS (default 0.5).")
    public float softSigma;

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    public Integer threads;

    @Option(names = "--labels", description = "Label file for tflite: models (one name a line; default: labelmap.txt beside the model, else COCO) and onnx: models (the background first; default: labels.txt beside the model).")
    public java.nio.file.Path labels;

    public Detector load() throws IOException {
        return load(threadCount());
    }

    /** The model with {@code computeThreads} threads per call (callers that run several calls at once pass 1). */
    public Detector load(int computeThreads) throws IOException {
        return new Detector(io.mssd.ssd.model.ModelZoo.load(model, labels), computeThreads);
    }

    /** --threads, or all cores. */
    public int threadCount() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + t);
        return t;
    }

    public DetectorOptions options(Detector d) {
        DetectorOptions o = d.defaultOptions();
        if (minScore != null) o = o.withMinScore(minScore);
        if (iou != null) o = o.withIouThreshold(iou);
        if (max != null) o = o.withMaxResults(max);
        if (nms != null) {
            DetectorOptions.Nms kind = switch (nms) {
                case "hard" -> DetectorOptions.Nms.HARD;
                case "soft-linear" -> DetectorOptions.Nms.SOFT_LINEAR;
                case "soft-gaussian" -> DetectorOptions.Nms.SOFT_GAUSSIAN;
                default -> throw new IllegalArgumentException("--nms must be hard, soft-linear or soft-gaussian, got '" + nms + "'");
            };
            o = o.withNms(kind, softSigma);
        }
        return o;
    }
}
