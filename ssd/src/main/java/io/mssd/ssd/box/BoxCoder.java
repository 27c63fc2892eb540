package io.mssd.ssd.box;

import io.mssd.ssd.anchors.Anchors;

/** Turns a network's per-anchor box encodings into boxes. */
public interface BoxCoder {

    /**
     * Decodes encodings [anchors x 4] (in the coder's coordinate order) against the anchors into
     * corner boxes [anchors x 4] as x1, y1, x2, y2 in the anchors' normalised frame.
     */
    void decode(float[] encodings, Anchors anchors, float[] boxes);

    /**
     * The encoding of box (x1, y1, x2, y2, in the anchors' normalised frame) against anchor {@code anchor},
     * the training target whose decoding gives the box back; written to out[off .. off+4).
     */
    void encode(double x1, double y1, double x2, double y2, Anchors anchors, int anchor, float[] out, int off);
}
