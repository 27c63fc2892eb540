package io.mssd.tools.image;

import io.mssd.ssd.RgbImage;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

/** Conversions between OpenCV's BGR Mat and the detector's RgbImage, and image file I/O through OpenCV. */
public final class MatImages {
    private MatImages() {}

    /** Reads an image file (any format OpenCV decodes); a clear error for a missing or undecodable file. */
    public static RgbImage read(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such image file");
        try (Mat m = opencv_imgcodecs.imread(file.toString(), opencv_imgcodecs.IMREAD_COLOR)) {
            return decoded(m, file.toString());
        }
    }

    /** Decodes an image file's bytes (as {@link #read} decodes the file: the same pixels); {@code name} names it in errors. */
    public static RgbImage decode(byte[] bytes, String name) {
        if (bytes == null || bytes.length == 0) throw new IllegalArgumentException(name + ": empty file");
        try (Mat buf = new Mat(1, bytes.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1)) {
            buf.data().put(bytes);
            try (Mat m = opencv_imgcodecs.imdecode(buf, opencv_imgcodecs.IMREAD_COLOR)) {
                return decoded(m, name);
            }
        }
    }

    /** What imread / imdecode gave, as RGB; an empty result is a file OpenCV could not decode. */
    private static RgbImage decoded(Mat m, String name) {
        if (m == null || m.empty()) {
            throw new IllegalArgumentException(name + ": cannot decode the image (not an image, or a corrupt/unsupported file)");
        }
        return toRgb(m);
    }

    /** A copy of an 8-bit BGR (3-channel) Mat as RGB. */
    public static RgbImage toRgb(Mat bgr) {
        int w = bgr.cols(), h = bgr.rows();
        if (bgr.type() != CV_8UC3) throw new IllegalArgumentException("expected an 8-bit 3-channel image, got Mat type " + bgr.type());
        byte[] px = new byte[w * h * 3];
        BytePointer data = bgr.data();
        long step = bgr.step();
        byte[] row = new byte[w * 3];
        for (int y = 0; y < h; y++) {
            data.position(y * step).get(row, 0, w * 3);
            int o = y * w * 3;
            for (int x = 0; x < w * 3; x += 3) {
                px[o + x] = row[x + 2];
                px[o + x + 1] = row[x + 1];
                px[o + x + 2] = row[x];
            }
        }
        data.position(0);
        return new RgbImage(w, h, px);
    }

    /** A new BGR Mat holding {@code img}. */
    public static Mat toBgr(RgbImage img) {
        int w = img.width(), h = img.height();
        Mat m = new Mat(h, w, CV_8UC3);
        byte[] px = img.pixels(), row = new byte[w * 3];
        BytePointer data = m.data();
        long step = m.step();
        for (int y = 0; y < h; y++) {
            int o = y * w * 3;
            for (int x = 0; x < w * 3; x += 3) {
                row[x] = px[o + x + 2];
                row[x + 1] = px[o + x + 1];
                row[x + 2] = px[o + x];
            }
            data.position(y * step).put(row, 0, w * 3);
        }
        data.position(0);
        return m;
    }

    public static void write(Mat bgr, Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) throw new IllegalArgumentException(file + ": output folder does not exist");
        boolean ok;
        try {
            ok = opencv_imgcodecs.imwrite(file.toString(), bgr);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": cannot write the image: " + e.getMessage(), e);
        }
        if (!ok) throw new IllegalArgumentException(file + ": cannot write the image (unknown extension or unwritable path)");
    }
}
