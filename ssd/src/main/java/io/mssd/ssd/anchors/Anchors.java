package io.mssd.ssd.anchors;

/** Anchor boxes in center-size form [count x 4] = (cy, cx, h, w), normalised to the input frame. */
public record Anchors(float[] centerSize) {

    public Anchors {
        if (centerSize.length % 4 != 0) throw new IllegalArgumentException("anchor array length must be a multiple of 4");
    }

    public int count() {
        return centerSize.length / 4;
    }

    /** From corner boxes [count x 4] = (ymin, xmin, ymax, xmax), the TF layout. */
    public static Anchors fromCornersYxyx(float[] yxyx) {
        float[] cs = new float[yxyx.length];
        for (int i = 0; i < yxyx.length; i += 4) {
            float h = yxyx[i + 2] - yxyx[i], w = yxyx[i + 3] - yxyx[i + 1];
            cs[i] = yxyx[i] + h / 2;
            cs[i + 1] = yxyx[i + 1] + w / 2;
            cs[i + 2] = h;
            cs[i + 3] = w;
        }
        return new Anchors(cs);
    }

    /** Corner form (ymin, xmin, ymax, xmax). */
    public float[] cornersYxyx() {
        float[] out = new float[centerSize.length];
        for (int i = 0; i < centerSize.length; i += 4) {
            out[i] = centerSize[i] - centerSize[i + 2] / 2;
            out[i + 1] = centerSize[i + 1] - centerSize[i + 3] / 2;
            out[i + 2] = centerSize[i] + centerSize[i + 2] / 2;
            out[i + 3] = centerSize[i + 1] + centerSize[i + 3] / 2;
        }
        return out;
    }
}
