package io.mssd.core.nn;

import io.mssd.core.kernels.ComputePool;

/** A layer bound to its input, output and scratch buffers: one forward computation, no allocation. */
@FunctionalInterface
public interface Step {
    void execute(ComputePool pool);
}
