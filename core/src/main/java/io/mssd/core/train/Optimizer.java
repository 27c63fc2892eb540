package io.mssd.core.train;

import java.util.List;
import java.util.Map;

/** Updates trainable parameters from their gradients; its state can be saved and restored for an exact resume. */
public interface Optimizer {

    /** One update of every trainable parameter with learning rate {@code lr}. */
    void step(List<Parameter> params, float lr);

    /** The state to checkpoint: named arrays (per-parameter buffers, the step count). */
    Map<String, float[]> state();

    /** Restores a state written by {@link #state()} of an optimizer of the same kind and parameters. */
    void restore(Map<String, float[]> state);

    String name();
}
