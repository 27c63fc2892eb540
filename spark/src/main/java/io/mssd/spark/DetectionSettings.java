package io.mssd.spark;

/**
 * What a detection job runs: model spec (as `mssd detect --model`), label file (or null), and the
 * post-processing overrides (null: the model's defaults). Serialisable: it travels with the tasks.
 */
public record DetectionSettings(String model, String labels, Float minScore, Float iou, Integer max) implements java.io.Serializable {

    public DetectionSettings {
        if (model == null || model.isBlank()) throw new IllegalArgumentException("a model is needed");
    }

    public static DetectionSettings of(String model) {
        return new DetectionSettings(model, null, null, null, null);
    }

    public DetectionSettings withMinScore(Float s) {
        return new DetectionSettings(model, labels, s, iou, max);
    }

    io.mssd.ssd.DetectorOptions options(io.mssd.ssd.Detector d) {
        io.mssd.ssd.DetectorOptions o = d.defaultOptions();
        if (minScore != null) o = o.withMinScore(minScore);
        if (iou != null) o = o.withIouThreshold(iou);
        if (max != null) o = o.withMaxResults(max);
        return o;
    }
}
