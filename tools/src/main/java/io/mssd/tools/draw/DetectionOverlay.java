package io.mssd.tools.draw;

import io.mssd.ssd.Detection;
import io.mssd.ssd.box.Box;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.List;
import java.util.Locale;

/**
 * Draws detections on a BGR frame: a box per detection in a colour chosen by class, and a filled
 * label tag "label 0.87" that stays legible on any background. Line width and text scale follow the
 * frame size.
 */
public final class DetectionOverlay {
    private static final int[][] PALETTE = {
        {0, 255, 0}, {255, 128, 0}, {0, 128, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 0},
        {128, 0, 255}, {0, 0, 255}, {255, 0, 0}, {128, 255, 128}};

    private DetectionOverlay() {}

    public static void draw(Mat bgr, List<Detection> detections) {
        int size = Math.max(bgr.cols(), bgr.rows());
        int thickness = Math.max(2, size / 400);
        double fontScale = Math.max(0.45, size / 1400.0);
        int[] baseline = new int[1];
        for (Detection d : detections) {
            int[] c = PALETTE[Math.floorMod(d.classIndex(), PALETTE.length)];
            try (Scalar colour = new Scalar(c[0], c[1], c[2], 255); Scalar black = new Scalar(0, 0, 0, 255)) {
                Box b = d.box();
                int x1 = Math.round(b.x1()), y1 = Math.round(b.y1()), x2 = Math.round(b.x2()), y2 = Math.round(b.y2());
                try (Point p1 = new Point(x1, y1); Point p2 = new Point(x2, y2)) {
                    opencv_imgproc.rectangle(bgr, p1, p2, colour, thickness, opencv_imgproc.LINE_AA, 0);
                }
                String text = String.format(Locale.ROOT, "%s %.2f", d.label(), d.score());
                try (Size ts = opencv_imgproc.getTextSize(text, opencv_imgproc.FONT_HERSHEY_SIMPLEX, fontScale, 1, baseline)) {
                    int th = ts.height() + baseline[0] + 4, tw = ts.width() + 6;
                    int ty = y1 - th >= 0 ? y1 - th : Math.min(bgr.rows() - th, y1);
                    int tx = Math.max(0, Math.min(x1, bgr.cols() - tw)); // keep the tag inside the frame
                    try (Point t1 = new Point(tx, ty); Point t2 = new Point(tx + tw, ty + th);
                         Point org = new Point(tx + 3, ty + ts.height() + 2)) {
                        opencv_imgproc.rectangle(bgr, t1, t2, colour, opencv_imgproc.FILLED, opencv_imgproc.LINE_8, 0);
                        opencv_imgproc.putText(bgr, text, org, opencv_imgproc.FONT_HERSHEY_SIMPLEX, fontScale, black, 1,
                                opencv_imgproc.LINE_AA, false);
                    }
                }
            }
        }
    }
}
