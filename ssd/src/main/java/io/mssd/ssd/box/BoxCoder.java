package io.mssd.ssd.box;

import io.mssd.ssd.anchors.Anchors;

/** Turns a network's per-anchor box encodings into boxes. */
public interface BoxCoder {

    /**
     * Decodes encodings [anchors x 4] (in the coder's coordinate order) against the anchors into
     * corner boxes [anchors x 4] as x1, y1, x2, y2 in the anchors' normalised frame.
     */
    void decode(float[] encodings, Anchors anchors, float[] boxes);
}
