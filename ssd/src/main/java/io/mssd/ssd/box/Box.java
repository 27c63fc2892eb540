package io.mssd.ssd.box;

/** An axis-aligned box x1,y1 (top-left) to x2,y2 (bottom-right); pixels or normalised units. */
public record Box(float x1, float y1, float x2, float y2) {

    public float width() {
        return x2 - x1;
    }

    public float height() {
        return y2 - y1;
    }

    public float area() {
        return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    }

    /** Intersection over union; 0 when either box is empty. */
    public float iou(Box o) {
        return iou(x1, y1, x2, y2, o.x1, o.y1, o.x2, o.y2);
    }

    /** IoU of two corner boxes; corners may come in either order, empty boxes give 0. */
    public static float iou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2) {
        float aX1 = Math.min(ax1, ax2), aX2 = Math.max(ax1, ax2), aY1 = Math.min(ay1, ay2), aY2 = Math.max(ay1, ay2);
        float bX1 = Math.min(bx1, bx2), bX2 = Math.max(bx1, bx2), bY1 = Math.min(by1, by2), bY2 = Math.max(by1, by2);
        float areaA = (aX2 - aX1) * (aY2 - aY1), areaB = (bX2 - bX1) * (bY2 - bY1);
        if (areaA <= 0 || areaB <= 0) return 0f;
        float iw = Math.max(Math.min(aX2, bX2) - Math.max(aX1, bX1), 0f);
        float ih = Math.max(Math.min(aY2, bY2) - Math.max(aY1, bY1), 0f);
        float inter = iw * ih;
        return inter / (areaA + areaB - inter);
    }

    public Box clip(float minX, float minY, float maxX, float maxY) {
        return new Box(clamp(x1, minX, maxX), clamp(y1, minY, maxY), clamp(x2, minX, maxX), clamp(y2, minY, maxY));
    }

    public Box scale(float sx, float sy) {
        return new Box(x1 * sx, y1 * sy, x2 * sx, y2 * sy);
    }

    private static float clamp(float v, float lo, float hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
