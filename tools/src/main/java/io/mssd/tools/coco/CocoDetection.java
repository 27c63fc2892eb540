package io.mssd.tools.coco;

/** One entry of a COCO results file: image, category, bbox x, y, w, h and score. */
public record CocoDetection(long imageId, long categoryId, double x, double y, double w, double h, double score) implements java.io.Serializable {}
