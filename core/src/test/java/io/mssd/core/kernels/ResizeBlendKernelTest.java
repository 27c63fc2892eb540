package io.mssd.core.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResizeBlendKernelTest {

    @Test
    void fastestKernelIsBitForBitTheScalarOneOnEveryLengthAndWeight() {
        ResizeBlendKernel fast = ResizeBlendKernel.fastest();
        SplittableRandom rnd = new SplittableRandom(3);
        int cases = 0;
        for (int n = 0; n <= 40; n++) {
            for (int w0 = 0; w0 <= 2048; w0 += 89) {
                int[] a = new int[n + 5], b = new int[n + 5];
                for (int i = 0; i < a.length; i++) {
                    // horizontally resized values: two bytes weighted by 2^11 in all
                    int h = rnd.nextInt(2049);
                    a[i] = rnd.nextInt(256) * h + rnd.nextInt(256) * (2048 - h);
                    b[i] = i % 7 == 0 ? 255 * 2048 : rnd.nextInt(256) * 2048;
                }
                float[] want = new float[n + 4], got = new float[n + 4];
                got[0] = 42;
                got[n + 2] = 42;
                ScalarResizeBlendKernel.INSTANCE.blend(a, b, 3, n, w0, 2048 - w0, 127.5f, 0.007843f, want, 1);
                fast.blend(a, b, 3, n, w0, 2048 - w0, 127.5f, 0.007843f, got, 1);
                assertTrue(got[0] == 42 && got[n + 2] == 42, "wrote outside [1, 1 + " + n + ")");
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(want[1 + i]), Float.floatToRawIntBits(got[1 + i]),
                            "n=" + n + " w0=" + w0 + " at " + i);
                }
                cases++;
            }
        }
        assertTrue(cases > 900);
    }

    @Test
    void unitWeightsGiveBackTheByte() {
        // an image already of the input's size goes through the resize with weights 2048 and 0
        for (int v = 0; v < 256; v++) {
            assertEquals(v, ResizeBlendKernel.value(v * 2048, 0, 2048, 0));
            assertEquals(v, ResizeBlendKernel.value(v * 2048, 255 * 2048, 2048, 0));
        }
        // halfway between 100 and 101 vertically: OpenCV's rounding, (4 * 100 + 2 + 2) >> 2 = 101
        assertEquals(101, ResizeBlendKernel.value(100 * 2048, 101 * 2048, 1024, 1024));
    }
}
