package io.mssd.tools.coco;

import java.util.List;

/**
 * A COCO detection dataset (ground truth): images, box annotations and categories, in file order.
 * Only the fields bbox evaluation needs are kept; segmentation and the rest are skipped.
 */
public record CocoDataset(List<Image> images, List<Annotation> annotations, List<Category> categories) implements java.io.Serializable {

    public record Image(long id, int width, int height, String fileName) implements java.io.Serializable {}

    /** bbox = x, y, w, h; ignore = the optional user flag (pycocotools overwrites it with iscrowd). */
    public record Annotation(long id, long imageId, long categoryId, double x, double y, double w, double h,
                             double area, boolean iscrowd, boolean ignore) implements java.io.Serializable {}

    public record Category(long id, String name) implements java.io.Serializable {}
}
