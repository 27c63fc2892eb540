package io.mssd.tools.image;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;
import io.mssd.ssd.RgbImage;
import io.mssd.ssd.preprocess.Normalization;
import io.mssd.ssd.preprocess.StretchResize;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure-Java INTER_LINEAR resize against OpenCV's cv::resize, and the network input written from it. */
class StretchResizeVsOpenCvTest {

    @ParameterizedTest
    @CsvSource({"messi5.png,300,300", "fruits.png,300,300", "vtest_f100.png,300,300", "messi5.png,512,333",
            "fruits.png,97,211"})
    void bytesOfOpenCvResize(String image, int w, int h, @TempDir Path dir) throws Exception {
        RgbImage img;
        try (InputStream in = getClass().getResourceAsStream("/caffe/" + image)) {
            Path f = dir.resolve(image);
            Files.copy(in, f);
            img = MatImages.read(f);
        }
        byte[] ours = StretchResize.resize(img, w, h);
        RgbImage cv;
        try (Mat src = MatImages.toBgr(img); Mat dst = new Mat()) {
            opencv_imgproc.resize(src, dst, new Size(w, h), 0, 0, opencv_imgproc.INTER_LINEAR);
            cv = MatImages.toRgb(dst);
        }
        int differ = 0, worst = 0;
        for (int i = 0; i < ours.length; i++) {
            int d = Math.abs((ours[i] & 0xff) - (cv.pixels()[i] & 0xff));
            worst = Math.max(worst, d);
            if (d != 0) differ++;
        }
        // OpenCV's SIMD and scalar tails round a few pixels differently; never by more than one step
        assertTrue(worst <= 1, image + ": largest byte difference " + worst);
        assertTrue(differ <= ours.length / 500, image + ": " + differ + " of " + ours.length + " bytes differ");

        // the network input is the normalised resized bytes, BGR planes for a Caffe-style normalisation
        Normalization norm = new Normalization(127.5f, 0.007843f, true);
        Tensor t = new Tensor(new Shape(1, 3, h, w));
        new StretchResize(norm).apply(img, t);
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(norm.apply(ours[i * 3 + c] & 0xff), t.data()[(2 - c) * plane + i], 0f, "input at " + i + "," + c);
            }
        }
    }
}
