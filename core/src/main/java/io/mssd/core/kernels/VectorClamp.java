package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The vector kernels' clamp to [lo, hi], as compare-and-blend: FloatVector.max/min compile on JDK 17 to about
 * 14 instructions each (blends and an unordered compare for Java's NaN and -0.0 rules), this to 4. The values
 * are max(lo).min(hi)'s for the bounds used (NaN stays NaN; -0.0 becomes +0.0 at a lower bound of 0, as max
 * made it). Called once or twice in a method, C2 inlines it and nothing is boxed; the GEMM's 6x2 tile, which
 * would call it twelve times, writes it out (there C2 stopped inlining and boxed every vector).
 */
final class VectorClamp {
    private VectorClamp() {}

    static FloatVector of(FloatVector v, FloatVector lo, FloatVector hi) {
        v = v.blend(lo, v.compare(VectorOperators.LE, lo));
        return v.blend(hi, v.compare(VectorOperators.GE, hi));
    }
}
