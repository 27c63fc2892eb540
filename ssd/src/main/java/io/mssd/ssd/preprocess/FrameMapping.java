package io.mssd.ssd.preprocess;

import io.mssd.ssd.box.Box;

/** How a box normalised to the network's input frame maps back to original-image pixels. */
public record FrameMapping(float pixelsPerUnitX, float pixelsPerUnitY, int imageWidth, int imageHeight) {

    /** Clipped to [0, 1] in the network frame, scaled to pixels, clipped to the image. */
    public Box toPixels(float x1, float y1, float x2, float y2) {
        return new Box(x1, y1, x2, y2).clip(0, 0, 1, 1).scale(pixelsPerUnitX, pixelsPerUnitY)
                .clip(0, 0, imageWidth, imageHeight);
    }
}
