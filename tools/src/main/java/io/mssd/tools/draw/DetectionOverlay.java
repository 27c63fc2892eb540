package io.mssd.tools.draw;

import io.mssd.ssd.Detection;
import io.mssd.ssd.box.Box;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws detections on a BGR frame: a box per detection in a colour chosen by class, and a filled
 * label tag "label 0.87" that stays legible on any background, placed by {@link TagLayout} so tags
 * do not cover each other. Line width and text scale follow the frame size.
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
        List<String> texts = new ArrayList<>(detections.size());
        List<TagLayout.Item> items = new ArrayList<>(detections.size());
        int[] textH = new int[detections.size()];
        // boxes first, then all tags, so that no box line crosses a tag
        for (int i = 0; i < detections.size(); i++) {
            Detection d = detections.get(i);
            Box b = d.box();
            int x1 = Math.round(b.x1()), y1 = Math.round(b.y1()), x2 = Math.round(b.x2()), y2 = Math.round(b.y2());
            try (Scalar colour = colour(d); Point p1 = new Point(x1, y1); Point p2 = new Point(x2, y2)) {
                opencv_imgproc.rectangle(bgr, p1, p2, colour, thickness, opencv_imgproc.LINE_AA, 0);
            }
            String text = String.format(Locale.ROOT, "%s %.2f", d.label(), d.score());
            try (Size ts = opencv_imgproc.getTextSize(text, opencv_imgproc.FONT_HERSHEY_SIMPLEX, fontScale, 1, baseline)) {
                texts.add(text);
                textH[i] = ts.height();
                items.add(new TagLayout.Item(x1, y1, x2, y2, ts.width() + 6, ts.height() + baseline[0] + 4));
            }
        }
        List<int[]> tags = TagLayout.place(items, bgr.cols(), bgr.rows());
        for (int i = 0; i < tags.size(); i++) {
            int[] t = tags.get(i);
            try (Scalar colour = colour(detections.get(i)); Scalar black = new Scalar(0, 0, 0, 255);
                 Point t1 = new Point(t[0], t[1]); Point t2 = new Point(t[0] + t[2], t[1] + t[3]);
                 Point org = new Point(t[0] + 3, t[1] + textH[i] + 2)) {
                opencv_imgproc.rectangle(bgr, t1, t2, colour, opencv_imgproc.FILLED, opencv_imgproc.LINE_8, 0);
                opencv_imgproc.putText(bgr, texts.get(i), org, opencv_imgproc.FONT_HERSHEY_SIMPLEX, fontScale, black, 1,
                        opencv_imgproc.LINE_AA, false);
            }
        }
    }

    private static Scalar colour(Detection d) {
        int[] c = PALETTE[Math.floorMod(d.classIndex(), PALETTE.length)];
        return new Scalar(c[0], c[1], c[2], 255);
    }
}
