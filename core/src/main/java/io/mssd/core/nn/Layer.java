package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** A network layer with a single input. Layers are immutable and may be shared between threads. */
public interface Layer {

    String name();

    /** Short description for summaries, e.g. "conv 3x3/2" or "dw 3x3/1". */
    String type();

    /** Output shape for {@code in}; throws an IllegalArgumentException naming the layer if {@code in} does not fit. */
    Shape outputShape(Shape in);

    /** Parameters as the MobileNet paper counts them: convolution weights (no bias), dense weights and biases. */
    long params();

    /** Multiply-adds for one forward pass on {@code in}. */
    long multAdds(Shape in);

    /** Floats of scratch memory the layer needs on input {@code in} (im2col buffers). */
    default long scratchFloats(Shape in) {
        return 0;
    }

    /** True for 1x1 convolutions (the paper's "Conv 1x1" row). */
    default boolean isPointwise() {
        return false;
    }

    /** Prepares the computation in -> out; the returned step allocates nothing when executed. */
    Step bind(Tensor in, Tensor out, float[] scratch);

    static IllegalArgumentException shapeError(Layer layer, String expected, Shape got) {
        return new IllegalArgumentException("layer " + layer.name() + " (" + layer.type() + "): expected input "
                + expected + " but got " + got);
    }
}
