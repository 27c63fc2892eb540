package io.mssd.core.nn;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Im2colTest {

    @Test
    void patchMatrixIsTheDefinitionForEveryTapAndPadding() {
        // whole rows of stride-1 maps as wide as their input take one block copy per patch row; column chunks and
        // other strides go tap row by tap row: both must give patch[(c, ky, kx)][oy * ow + ox] = in[c][iy][ix]
        // with iy = oy * stride + ky - padT, ix = ox * stride + kx - padL, and 0 outside the image
        SplittableRandom rnd = new SplittableRandom(3);
        int cases = 0;
        for (int k : new int[] {1, 2, 3, 5}) {
            for (int stride = 1; stride <= 2; stride++) {
                for (int h = 1; h <= 12; h += 3) {
                    for (int w : new int[] {1, 5, 9, 13, 17, 21, 34, 45}) { // up to 22 outputs a row at stride 2: the vector copies
                        for (int padT = 0; padT < k; padT++) {
                            for (int padL = 0; padL < k; padL++) {
                                int c = 2;
                                // output as wide as the input at stride 1 (padding k - 1 in all), else floor
                                int oh = (h + k - 1 - k) / stride + 1, ow = (w + k - 1 - k) / stride + 1;
                                if (oh <= 0 || ow <= 0) continue;
                                // two values before the channels, none after: a read past the end throws
                                float[] in = new float[c * h * w + 2];
                                for (int i = 0; i < in.length; i++) in[i] = (float) rnd.nextDouble(-1, 1);
                                int inOff = 2, rows = c * k * k, plane = oh * ow;
                                float[] whole = new float[rows * plane], chunks = new float[rows * plane], wide = new float[rows * plane];
                                java.util.Arrays.fill(whole, Float.NaN);
                                java.util.Arrays.fill(chunks, Float.NaN);
                                java.util.Arrays.fill(wide, Float.NaN);
                                Im2col.fill(0, rows, 0, plane, in, inOff, h, w, k, k, stride, padT, padL, oh, ow, whole);
                                for (int j = 0; j < plane; j += 5) {
                                    Im2col.fill(0, rows, j, Math.min(plane, j + 5), in, inOff, h, w, k, k, stride, padT, padL, oh, ow, chunks);
                                }
                                for (int j = 0; j < plane; j += 19) {
                                    Im2col.fill(0, rows, j, Math.min(plane, j + 19), in, inOff, h, w, k, k, stride, padT, padL, oh, ow, wide);
                                }
                                for (int r = 0; r < rows; r++) {
                                    int kx = r % k, ky = (r / k) % k, ch = r / (k * k);
                                    for (int oy = 0; oy < oh; oy++) {
                                        for (int ox = 0; ox < ow; ox++) {
                                            int iy = oy * stride + ky - padT, ix = ox * stride + kx - padL;
                                            float want = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : in[inOff + (ch * h + iy) * w + ix];
                                            String at = "k" + k + " s" + stride + " " + h + "x" + w + " pad " + padT + "," + padL
                                                    + " row " + r + " at " + oy + "," + ox;
                                            assertEquals(want, whole[r * plane + oy * ow + ox], 0f, "whole rows, " + at);
                                            assertEquals(want, chunks[r * plane + oy * ow + ox], 0f, "chunks, " + at);
                                            assertEquals(want, wide[r * plane + oy * ow + ox], 0f, "chunks of 19, " + at);
                                        }
                                    }
                                }
                                cases++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(cases > 500, "only " + cases + " cases");
    }
}
