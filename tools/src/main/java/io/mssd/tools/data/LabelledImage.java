package io.mssd.tools.data;

import java.nio.file.Path;
import java.util.List;

/**
 * One annotated image of a dataset before decoding: the image file, its boxes in pixels [G x 4]
 * (x1, y1, x2, y2, already clipped to the image and of positive area), each box's class name, and
 * where the annotation came from (the file and field an error names).
 */
public record LabelledImage(Path image, int width, int height, float[] boxes, List<String> classes, String source) {

    public LabelledImage {
        classes = List.copyOf(classes);
        if (boxes.length != classes.size() * 4) throw new IllegalArgumentException(source + ": boxes and class names differ in number");
    }

    /**
     * A box clipped to a width x height image, or an error naming {@code field} when nothing of it is
     * left inside (or it is not a box: NaN, x2 <= x1).
     */
    static float[] clip(double x1, double y1, double x2, double y2, int width, int height, String file, String field) {
        if (!(x2 > x1 && y2 > y1)) {
            throw new IllegalArgumentException(file + ": " + field + ": box [" + x1 + ", " + y1 + ", " + x2 + ", " + y2
                    + "] has no area (expected x1 < x2 and y1 < y2)");
        }
        double cx1 = Math.max(0, x1), cy1 = Math.max(0, y1), cx2 = Math.min(width, x2), cy2 = Math.min(height, y2);
        if (!(cx2 > cx1 && cy2 > cy1)) {
            throw new IllegalArgumentException(file + ": " + field + ": box [" + x1 + ", " + y1 + ", " + x2 + ", " + y2
                    + "] lies outside its " + width + "x" + height + " image");
        }
        return new float[] {(float) cx1, (float) cy1, (float) cx2, (float) cy2};
    }
}
