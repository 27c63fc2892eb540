package io.mssd.ssd.anchors;

import java.util.List;

/** Makes the anchors of an SSD model for its feature maps (in predictor order). */
public interface AnchorGenerator {

    /** A feature map's height and width in cells. */
    record FeatureMap(int height, int width) {}

    /** Anchors for all maps: map by map, cells row-major, anchors within a cell fastest. */
    Anchors generate(List<FeatureMap> featureMaps);

    /** Anchors per cell for each map. */
    int[] anchorsPerCell(int layers);
}
