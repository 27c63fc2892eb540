package io.mssd.ssd.box;

import io.mssd.ssd.anchors.Anchors;

/**
 * The SSD center-size coder: center = t_c / scale_c * anchor_size + anchor_center,
 * size = exp(t_s / scale_s) * anchor_size. TF Object Detection API models give scale factors
 * (10, 10, 5, 5) and encodings ordered (ty, tx, th, tw); Caffe gives variances (0.1, 0.1, 0.2, 0.2),
 * i.e. scale = 1 / variance, and encodings ordered (tx, ty, tw, th).
 */
public final class CenterSizeBoxCoder implements BoxCoder {

    public enum Order { YXHW, XYWH }

    private final float yScale, xScale, hScale, wScale;
    private final Order order;

    public CenterSizeBoxCoder(float yScale, float xScale, float hScale, float wScale, Order order) {
        this.yScale = yScale;
        this.xScale = xScale;
        this.hScale = hScale;
        this.wScale = wScale;
        this.order = order;
    }

    /** TF Object Detection API: scale factors, (ty, tx, th, tw). */
    public static CenterSizeBoxCoder tensorflow(float yScale, float xScale, float hScale, float wScale) {
        return new CenterSizeBoxCoder(yScale, xScale, hScale, wScale, Order.YXHW);
    }

    /** Caffe SSD: variances (x, y, w, h), encodings (tx, ty, tw, th). */
    public static CenterSizeBoxCoder caffe(float vx, float vy, float vw, float vh) {
        return new CenterSizeBoxCoder(1 / vy, 1 / vx, 1 / vh, 1 / vw, Order.XYWH);
    }

    public float yScale() {
        return yScale;
    }

    public float xScale() {
        return xScale;
    }

    public float hScale() {
        return hScale;
    }

    public float wScale() {
        return wScale;
    }

    public Order order() {
        return order;
    }

    @Override
    public void encode(double x1, double y1, double x2, double y2, Anchors anchors, int anchor, float[] out, int off) {
        float[] a = anchors.centerSize();
        int o = anchor * 4;
        double acy = a[o], acx = a[o + 1], ah = a[o + 2], aw = a[o + 3];
        double h = y2 - y1, w = x2 - x1, cy = y1 + h / 2, cx = x1 + w / 2;
        double ty = (cy - acy) / ah * yScale, tx = (cx - acx) / aw * xScale;
        double th = Math.log(h / ah) * hScale, tw = Math.log(w / aw) * wScale;
        if (order == Order.YXHW) {
            out[off] = (float) ty; out[off + 1] = (float) tx; out[off + 2] = (float) th; out[off + 3] = (float) tw;
        } else {
            out[off] = (float) tx; out[off + 1] = (float) ty; out[off + 2] = (float) tw; out[off + 3] = (float) th;
        }
    }

    @Override
    public void decode(float[] enc, Anchors anchors, float[] boxes) {
        int n = anchors.count();
        float[] a = anchors.centerSize();
        for (int i = 0; i < n; i++) {
            int o = i * 4;
            float ty, tx, th, tw;
            if (order == Order.YXHW) {
                ty = enc[o]; tx = enc[o + 1]; th = enc[o + 2]; tw = enc[o + 3];
            } else {
                tx = enc[o]; ty = enc[o + 1]; tw = enc[o + 2]; th = enc[o + 3];
            }
            float acy = a[o], acx = a[o + 1], ah = a[o + 2], aw = a[o + 3];
            float cy = ty / yScale * ah + acy;
            float cx = tx / xScale * aw + acx;
            float h = (float) Math.exp(th / hScale) * ah;
            float w = (float) Math.exp(tw / wScale) * aw;
            boxes[o] = cx - w / 2;
            boxes[o + 1] = cy - h / 2;
            boxes[o + 2] = cx + w / 2;
            boxes[o + 3] = cy + h / 2;
        }
    }
}
