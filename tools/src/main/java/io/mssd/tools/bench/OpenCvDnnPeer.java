package io.mssd.tools.bench;

import io.mssd.ssd.RgbImage;
import io.mssd.tools.image.MatImages;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * The peer in `mssd bench --vs-opencv`: OpenCV DNN (through JavaCV, CPU, OpenCV backend) running
 * the same Caffe files, timed the same way: image in, detections out (blobFromImage with the model's
 * resize and normalisation, forward to detection_out).
 */
public final class OpenCvDnnPeer implements AutoCloseable {
    private final Net net;
    private final Mat bgr;
    private final int width, height;

    public OpenCvDnnPeer(String prototxt, String caffemodel, RgbImage image, int w, int h, int threads) {
        opencv_core.setNumThreads(threads);
        this.net = opencv_dnn.readNetFromCaffe(prototxt, caffemodel);
        net.setPreferableBackend(opencv_dnn.DNN_BACKEND_OPENCV);
        net.setPreferableTarget(opencv_dnn.DNN_TARGET_CPU);
        this.bgr = MatImages.toBgr(image);
        this.width = w;
        this.height = h;
    }

    /** One frame: preprocessing and the whole net. */
    public void run() {
        try (Size size = new Size(width, height); Scalar mean = new Scalar(127.5, 127.5, 127.5, 0);
             Mat blob = opencv_dnn.blobFromImage(bgr, 0.007843, size, mean, false, false, opencv_core.CV_32F)) {
            net.setInput(blob);
            try (Mat out = net.forward("detection_out")) {
                out.total();
            }
        }
    }

    @Override
    public void close() {
        bgr.close();
        net.close();
    }
}
