package io.mssd.samples;

import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.tools.image.MatImages;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

import java.util.List;

/**
 * Detect objects in every frame of a video and print them: the smallest complete program.
 * Run: java -cp "samples/target/mssd-viewer.jar" \
 *      --add-modules jdk.incubator.vector io.mssd.samples.DetectVideo VIDEO [MODEL]
 */
public final class DetectVideo {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DetectVideo VIDEO [MODEL]   (MODEL: face-ssd-mobilenetv1, tflite:FILE, caffe:PROTOTXT,WEIGHTS)");
            System.exit(2);
        }
        String model = args.length > 1 ? args[1] : "face-ssd-mobilenetv1";
        // A Detector is thread-safe and holds the model; make one and reuse it.
        try (Detector detector = Detector.load(model);
             FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(args[0]);
             OpenCVFrameConverter.ToMat toMat = new OpenCVFrameConverter.ToMat()) {
            grabber.start();
            int index = 0;
            for (Frame frame; (frame = grabber.grabImage()) != null; index++) {
                // The grabber reuses its buffer: MatImages.toRgb copies the pixels out.
                Mat bgr = toMat.convert(frame);
                List<Detection> found = detector.detect(MatImages.toRgb(bgr));
                for (Detection d : found) {
                    System.out.printf("frame %d: %s %.2f at (%.0f, %.0f)-(%.0f, %.0f)%n", index, d.label(), d.score(),
                            d.box().x1(), d.box().y1(), d.box().x2(), d.box().y2());
                }
            }
        }
    }
}
