package io.mssd.ssd.preprocess;

/** Per-channel value transform (v - mean) * scale, with the channel order the network wants. */
public record Normalization(float mean, float scale, boolean bgr) {

    /** x / 127.5 - 1: TF Object Detection API MobileNets. */
    public static final Normalization MINUS_ONE_TO_ONE = new Normalization(127.5f, 1 / 127.5f, false);

    public float apply(float v) {
        return (v - mean) * scale;
    }
}
