package io.mssd.tools.draw;

import io.mssd.ssd.box.Box;
import io.mssd.ssd.track.LineCounter;
import io.mssd.ssd.track.TrackedObject;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

import java.util.List;
import java.util.Locale;

/**
 * Draws tracks on a BGR frame: each identity in its own colour with a "#id label" tag, a short trail
 * of its bottom-centre, and every count line with its running in/out totals. Keeps the trails between
 * frames: one instance per video, used from one thread.
 */
public final class TrackOverlay {
    private final TrackTrails trails = new TrackTrails(20, 30);

    public void draw(Mat bgr, List<TrackedObject> tracks, List<LineCounter> lines) {
        trails.update(tracks);
        int size = Math.max(bgr.cols(), bgr.rows());
        int thickness = Math.max(2, size / 400);
        double fontScale = Math.max(0.45, size / 1400.0);
        for (TrackedObject t : tracks) {
            Box b = t.box();
            try (Scalar c = colour(t.id()); Scalar black = new Scalar(0, 0, 0, 255);
                 Point p1 = new Point(Math.round(b.x1()), Math.round(b.y1())); Point p2 = new Point(Math.round(b.x2()), Math.round(b.y2()))) {
                opencv_imgproc.rectangle(bgr, p1, p2, c, thickness, opencv_imgproc.LINE_AA, 0);
                float[] prev = null;
                for (float[] q : trails.trail(t.id())) {
                    if (prev != null) {
                        try (Point a = new Point(Math.round(prev[0]), Math.round(prev[1])); Point z = new Point(Math.round(q[0]), Math.round(q[1]))) {
                            opencv_imgproc.line(bgr, a, z, c, Math.max(1, thickness - 1), opencv_imgproc.LINE_AA, 0);
                        }
                    }
                    prev = q;
                }
                String text = String.format(Locale.ROOT, "#%d %s", t.id(), t.label());
                int[] baseline = new int[1];
                try (org.bytedeco.opencv.opencv_core.Size ts = opencv_imgproc.getTextSize(text, opencv_imgproc.FONT_HERSHEY_SIMPLEX, fontScale, 1, baseline)) {
                    int x = Math.max(0, Math.round(b.x1())), y = Math.max(ts.height() + 4, Math.round(b.y1()));
                    try (Point t1 = new Point(x, y - ts.height() - 4); Point t2 = new Point(x + ts.width() + 6, y);
                         Point org = new Point(x + 3, y - 3)) {
                        opencv_imgproc.rectangle(bgr, t1, t2, c, opencv_imgproc.FILLED, opencv_imgproc.LINE_8, 0);
                        opencv_imgproc.putText(bgr, text, org, opencv_imgproc.FONT_HERSHEY_SIMPLEX, fontScale, black, 1, opencv_imgproc.LINE_AA, false);
                    }
                }
            }
        }
        for (LineCounter l : lines) {
            double[] s = l.segment();
            try (Scalar yellow = new Scalar(0, 255, 255, 255); Scalar black = new Scalar(0, 0, 0, 255);
                 Point a = new Point((int) s[0], (int) s[1]); Point z = new Point((int) s[2], (int) s[3])) {
                opencv_imgproc.line(bgr, a, z, yellow, thickness + 1, opencv_imgproc.LINE_AA, 0);
                String text = String.format(Locale.ROOT, "in %d  out %d", l.totalIn(), l.totalOut());
                int x = (int) Math.min(Math.max(0, s[0] + 6), Math.max(0, bgr.cols() - 160)), y = (int) Math.max(24, s[1] - 8);
                try (Point org = new Point(x, y)) {
                    opencv_imgproc.putText(bgr, text, org, opencv_imgproc.FONT_HERSHEY_SIMPLEX, fontScale * 1.3, black, 4, opencv_imgproc.LINE_AA, false);
                    opencv_imgproc.putText(bgr, text, org, opencv_imgproc.FONT_HERSHEY_SIMPLEX, fontScale * 1.3, yellow, 2, opencv_imgproc.LINE_AA, false);
                }
            }
        }
    }

    private static Scalar colour(int id) {
        int rgb = TrackTrails.rgb(id);
        return new Scalar(rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff, 255);
    }
}
