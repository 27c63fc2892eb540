package io.mssd.tools;

import java.nio.file.Path;

/** Where tests find the files of ../shared that the project does not commit (models, datasets). */
public final class SharedData {
    private SharedData() {}

    public static Path shared() {
        return Path.of(System.getProperty("mssd.shared", "../../shared"));
    }

    /** TensorFlow's quantised COCO SSD-MobileNetV1 (MSSD_MODELS overrides the models folder). */
    public static Path cocoTflite() {
        String env = System.getenv("MSSD_MODELS");
        Path base = env != null ? Path.of(env) : shared().resolve("models");
        return base.resolve("coco-ssd-mobilenet-v1-quant").resolve("detect.tflite");
    }

    public static Path raccoon() {
        return shared().resolve("datasets").resolve("raccoon").resolve("train");
    }
}
