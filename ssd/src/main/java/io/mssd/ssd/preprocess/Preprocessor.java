package io.mssd.ssd.preprocess;

import io.mssd.core.tensor.Tensor;
import io.mssd.ssd.RgbImage;

/** Turns an image into the network's input tensor exactly as the model was trained. */
public interface Preprocessor {

    /** Fills {@code input} (1 x 3 x H x W) from {@code image}; returns the box mapping back to the image. */
    FrameMapping apply(RgbImage image, Tensor input);
}
