package io.mssd.core.kernels;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequantizeKernelTest {

    @Test
    void roundsTiesToEvenOrHalfAwayThenClampsAndScales() {
        SplittableRandom rnd = new SplittableRandom(17);
        int n = 1000;
        float m = 0.25f; // v = x / 4: exact, so exact halves can be made
        float[] x = new float[n + 7];
        for (int i = 0; i < x.length; i++) {
            switch (i % 4) {
                case 0 -> x[i] = (float) rnd.nextDouble(-2000, 2000);
                case 1 -> x[i] = (rnd.nextInt(2001) - 1000) * 2 + 0f;   // v = k + 0.5 or k exactly: halves
                case 2 -> x[i] = (float) rnd.nextDouble(-1e9, 1e9);       // far outside the range: clamped
                default -> x[i] = (float) rnd.nextDouble(-4, 4);          // around zero
            }
        }
        for (RequantizeKernel kernel : List.of(RequantizeKernel.fastest(), ScalarRequantizeKernel.INSTANCE)) {
            for (boolean halfAway : new boolean[] {false, true}) {
                float[] y = new float[x.length];
                y[2] = 42;
                y[n + 5] = 42;
                kernel.apply(x, y, 3, n + 5, m, -128, 127, 0.5f, halfAway); // odd start and a tail after the vectors
                assertEquals(42, y[2], kernel + " wrote before from");
                assertEquals(42, y[n + 5], kernel + " wrote at to");
                int halves = 0;
                for (int i = 3; i < n + 5; i++) {
                    double v = (double) x[i] * m;
                    double r = halfAway ? Math.signum(v) * Math.floor(Math.abs(v) + 0.5) : Math.rint(v); // rint: ties to even
                    if (Math.abs(v) % 1 == 0.5) halves++;
                    // bit for bit, the sign of zero included (+0.0 both ways): the vector and scalar kernels each
                    // take a part of a tensor, and a fused output stage splits it differently from a pass of its own
                    float expected = (float) (Math.max(-128, Math.min(127, r)) * 0.5) + 0f;
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(y[i]),
                            kernel + (halfAway ? " half away" : " ties to even") + " at " + i + ": x " + x[i] + " gives " + y[i]);
                }
                assertTrue(halves > 50, "the data has exact halves: " + halves);
            }
        }
    }
}
