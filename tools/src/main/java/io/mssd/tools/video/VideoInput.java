package io.mssd.tools.video;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameGrabber;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a video input: a file path (FFmpeg) or camera:N (OpenCV), with errors that say which and why. */
public final class VideoInput {
    private VideoInput() {}

    public static boolean isCamera(String spec) {
        return spec.startsWith("camera:");
    }

    /** A started grabber. */
    public static FrameGrabber open(String spec) {
        FrameGrabber g;
        if (isCamera(spec)) {
            int n;
            try {
                n = Integer.parseInt(spec.substring("camera:".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(spec + ": expected camera:N with a device number N");
            }
            g = new OpenCVFrameGrabber(n);
        } else {
            Path p = Path.of(spec);
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException(spec + ": no such video file");
            g = new FFmpegFrameGrabber(p.toFile());
        }
        try {
            g.start();
        } catch (Exception | Error e) {
            closeQuietly(g);
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip()
                    // JavaCV's advice to its own developers is noise to a user
                    .replace(" (Has setFormat() been called?)", "").replace(" (For more details, make sure FFmpegLogCallback.set() has been called.)", "");
            String hint = why.contains("-1094995529") ? "; not a video, or cut off (an mp4 whose index is at its end cannot be read without it)" : "";
            throw new IllegalArgumentException(spec + ": cannot open " + (isCamera(spec) ? "the camera" : "the video")
                    + " (" + why + ")" + hint, e);
        }
        if (g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
            closeQuietly(g);
            throw new IllegalArgumentException(spec + ": has no video stream");
        }
        return g;
    }

    static void closeQuietly(FrameGrabber g) {
        try {
            g.close();
        } catch (Exception ignored) {
            // closing after a failure: nothing more to report
        }
    }
}
