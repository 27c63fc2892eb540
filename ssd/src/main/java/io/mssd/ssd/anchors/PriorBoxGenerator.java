package io.mssd.ssd.anchors;

import java.util.ArrayList;
import java.util.List;

/**
 * Caffe SSD's PriorBox, in float arithmetic as Caffe and OpenCV DNN compute it. Per cell of a
 * feature map, boxes in this order: min_size square, sqrt(min_size * max_size) square (if max_size),
 * then min_size * sqrt(ar) by min_size / sqrt(ar) for each aspect ratio other than 1 (and 1/ar with
 * flip). Centers at (i + offset) * step, step = image size / map size unless given.
 */
public final class PriorBoxGenerator {

    /** One PriorBox layer's parameters. */
    public record Spec(float[] minSizes, float[] maxSizes, float[] aspectRatios, boolean flip, boolean clip,
                       float stepW, float stepH, float offset) {}

    private PriorBoxGenerator() {}

    /** Aspect ratios as Caffe expands them: 1 first, then each distinct ratio and (with flip) its inverse. */
    static List<Float> expandRatios(float[] ratios, boolean flip) {
        List<Float> out = new ArrayList<>();
        out.add(1f);
        for (float ar : ratios) {
            boolean seen = false;
            for (float e : out) if (Math.abs(ar - e) < 1e-6) seen = true;
            if (seen) continue;
            out.add(ar);
            if (flip) out.add(1f / ar);
        }
        return out;
    }

    public static int boxesPerCell(Spec s) {
        return s.minSizes().length * (expandRatios(s.aspectRatios(), s.flip()).size() + (s.maxSizes().length > 0 ? 1 : 0));
    }

    /** Corner boxes [cells * boxesPerCell x 4] = (xmin, ymin, xmax, ymax), normalised to the image. */
    public static float[] corners(Spec s, int layerH, int layerW, int imgH, int imgW) {
        List<Float> ratios = expandRatios(s.aspectRatios(), s.flip());
        float stepW = s.stepW() > 0 ? s.stepW() : (float) imgW / layerW;
        float stepH = s.stepH() > 0 ? s.stepH() : (float) imgH / layerH;
        List<float[]> sizes = new ArrayList<>(); // (width, height)
        for (int i = 0; i < s.minSizes().length; i++) {
            float min = s.minSizes()[i];
            sizes.add(new float[] {min, min});
            if (s.maxSizes().length > 0) {
                float size = (float) Math.sqrt(min * s.maxSizes()[i]);
                sizes.add(new float[] {size, size});
            }
            for (float ar : ratios) {
                if (Math.abs(ar - 1f) < 1e-6) continue;
                float sq = (float) Math.sqrt(ar);
                sizes.add(new float[] {min * sq, min / sq});
            }
        }
        float[] out = new float[layerH * layerW * sizes.size() * 4];
        int o = 0;
        for (int h = 0; h < layerH; h++) {
            for (int w = 0; w < layerW; w++) {
                float cx = (w + s.offset()) * stepW, cy = (h + s.offset()) * stepH;
                for (float[] wh : sizes) {
                    out[o++] = (cx - wh[0] * 0.5f) / imgW;
                    out[o++] = (cy - wh[1] * 0.5f) / imgH;
                    out[o++] = (cx + wh[0] * 0.5f) / imgW;
                    out[o++] = (cy + wh[1] * 0.5f) / imgH;
                }
            }
        }
        if (s.clip()) for (int i = 0; i < out.length; i++) out[i] = Math.min(1f, Math.max(0f, out[i]));
        return out;
    }

    /** Center-size anchors from (xmin, ymin, xmax, ymax) corners, as Caffe's decoder reads them. */
    public static Anchors anchors(float[] xyxy) {
        float[] cs = new float[xyxy.length];
        for (int i = 0; i < xyxy.length; i += 4) {
            float w = xyxy[i + 2] - xyxy[i], h = xyxy[i + 3] - xyxy[i + 1];
            cs[i] = (xyxy[i + 1] + xyxy[i + 3]) / 2;
            cs[i + 1] = (xyxy[i] + xyxy[i + 2]) / 2;
            cs[i + 2] = h;
            cs[i + 3] = w;
        }
        return new Anchors(cs);
    }
}
