package io.mssd.ssd.preprocess;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;
import io.mssd.ssd.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The network input written by StretchResize (its bytes against OpenCV: tools' StretchResizeVsOpenCvTest). */
class StretchResizeTest {

    @Test
    void anImageOfTheInputSizeIsNormalisedAsItIs() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int[] size : new int[][] {{1, 1}, {7, 5}, {33, 9}, {300, 3}}) {
            int w = size[0], h = size[1];
            byte[] px = new byte[w * h * 3];
            for (int i = 0; i < px.length; i++) px[i] = (byte) rnd.nextInt(256);
            for (Normalization norm : new Normalization[] {Normalization.MINUS_ONE_TO_ONE, new Normalization(127.5f, 0.007843f, true)}) {
                Tensor t = new Tensor(new Shape(1, 3, h, w));
                new StretchResize(norm).apply(new RgbImage(w, h, px), t);
                for (int i = 0; i < w * h; i++) {
                    for (int c = 0; c < 3; c++) {
                        int plane = norm.bgr() ? 2 - c : c;
                        assertEquals(norm.apply(px[i * 3 + c] & 0xff), t.data()[plane * w * h + i], 0f,
                                w + "x" + h + " pixel " + i + " channel " + c);
                    }
                }
            }
        }
    }

    @Test
    void resizedRowsMatchTheResizedBytes() {
        // the vector path writes the input from the same integer steps as the byte path
        SplittableRandom rnd = new SplittableRandom(2);
        byte[] px = new byte[53 * 41 * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) rnd.nextInt(256);
        RgbImage img = new RgbImage(53, 41, px);
        for (int[] out : new int[][] {{30, 20}, {100, 77}, {17, 60}}) {
            byte[] bytes = StretchResize.resize(img, out[0], out[1]);
            Tensor t = new Tensor(new Shape(1, 3, out[1], out[0]));
            new StretchResize(Normalization.MINUS_ONE_TO_ONE).apply(img, t);
            int plane = out[0] * out[1];
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(Normalization.MINUS_ONE_TO_ONE.apply(bytes[i * 3 + c] & 0xff), t.data()[c * plane + i], 0f,
                            out[0] + "x" + out[1] + " pixel " + i + " channel " + c);
                }
            }
        }
    }
}
