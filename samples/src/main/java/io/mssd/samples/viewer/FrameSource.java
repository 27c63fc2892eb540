package io.mssd.samples.viewer;

import io.mssd.ssd.RgbImage;
import io.mssd.tools.image.MatImages;
import io.mssd.tools.video.VideoInput;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;

import java.nio.file.Path;
import java.util.Locale;

/** Frames for the viewer: one image, a video file or a camera. Used from the viewer's worker thread only. */
interface FrameSource extends AutoCloseable {

    /** The next frame, or null at the end. */
    RgbImage next() throws Exception;

    /** True for a single still image. */
    boolean still();

    String name();

    @Override
    void close();

    static FrameSource open(String spec) {
        String lower = spec.toLowerCase(Locale.ROOT);
        if (!VideoInput.isCamera(spec) && (lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg")
                || lower.endsWith(".bmp") || lower.endsWith(".webp") || lower.endsWith(".tif") || lower.endsWith(".tiff"))) {
            RgbImage img = MatImages.read(Path.of(spec));
            return new FrameSource() {
                private boolean given;

                public RgbImage next() {
                    if (given) return null;
                    given = true;
                    return img;
                }

                public boolean still() {
                    return true;
                }

                public String name() {
                    return Path.of(spec).getFileName().toString();
                }

                public void close() {
                }
            };
        }
        FrameGrabber grabber = VideoInput.open(spec);
        OpenCVFrameConverter.ToMat toMat = new OpenCVFrameConverter.ToMat();
        return new FrameSource() {
            public RgbImage next() throws Exception {
                Frame f = grabber instanceof FFmpegFrameGrabber fg ? fg.grabImage() : grabber.grab();
                return f == null ? null : MatImages.toRgb(toMat.convert(f)); // a copy: the grabber reuses its buffer
            }

            public boolean still() {
                return false;
            }

            public String name() {
                return VideoInput.isCamera(spec) ? spec : Path.of(spec).getFileName().toString();
            }

            public void close() {
                try {
                    grabber.close();
                } catch (Exception ignored) {
                    // already closed
                }
                toMat.close();
            }
        };
    }
}
