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
 * the same model files, timed the same way: image in, network outputs out (blobFromImage with the
 * model's resize and normalisation, forward to the outputs: Caffe's detection_out, which includes
 * NMS; an ONNX export's scores and boxes, before NMS).
 */
public final class OpenCvDnnPeer implements AutoCloseable {
    private final Net net;
    private final Mat bgr;
    private final int width, height;
    private final double scale, mean;
    private final boolean swapRb;
    private final org.bytedeco.opencv.opencv_core.StringVector outputs;

    private OpenCvDnnPeer(Net net, RgbImage image, int w, int h, int threads, double scale, double mean, boolean swapRb, String... outputs) {
        opencv_core.setNumThreads(threads);
        this.net = net;
        net.setPreferableBackend(opencv_dnn.DNN_BACKEND_OPENCV);
        net.setPreferableTarget(opencv_dnn.DNN_TARGET_CPU);
        this.bgr = MatImages.toBgr(image);
        this.width = w;
        this.height = h;
        this.scale = scale;
        this.mean = mean;
        this.swapRb = swapRb;
        this.outputs = new org.bytedeco.opencv.opencv_core.StringVector(outputs);
    }

    /** chuanqi305's Caffe MobileNet-SSD: BGR, (x - 127.5) * 0.007843, to detection_out. */
    public OpenCvDnnPeer(String prototxt, String caffemodel, RgbImage image, int w, int h, int threads) {
        this(opencv_dnn.readNetFromCaffe(prototxt, caffemodel), image, w, h, threads, 0.007843, 127.5, false, "detection_out");
    }

    /** A pytorch-ssd ONNX export: RGB, (x - 127) / 128, to scores and boxes. */
    public static OpenCvDnnPeer onnx(String file, RgbImage image, int w, int h, int threads) {
        return new OpenCvDnnPeer(opencv_dnn.readNetFromONNX(file), image, w, h, threads, 1 / 128.0, 127, true, "scores", "boxes");
    }

    /** One frame: preprocessing and the whole net. */
    public void run() {
        try (Size size = new Size(width, height); Scalar m = new Scalar(mean, mean, mean, 0);
             Mat blob = opencv_dnn.blobFromImage(bgr, scale, size, m, swapRb, false, opencv_core.CV_32F);
             org.bytedeco.opencv.opencv_core.MatVector out = new org.bytedeco.opencv.opencv_core.MatVector()) {
            net.setInput(blob);
            net.forward(out, outputs);
            out.get(0).total();
        }
    }

    /** OpenCV names an ONNX layer after its node, with this prefix; mssd's ONNX import uses the node name alone. */
    private static final String ONNX_NODE = "onnx_node!";
    /**
     * OpenCV's own time of each of its layers (Net.getPerfProfile), summed over the frames run so far by
     * {@link #runProfiled}, and the last frame's; layers it fused into another (batch norm, scale, ReLU into
     * the convolution before them) take about no time of their own.
     */
    private double[] layerTicks, frameTicks;
    private int profiledRuns;

    /** One frame, as {@link #run}, adding each layer's time to the profile. */
    public void runProfiled() {
        run();
        if (layerTicks == null) {
            try (org.bytedeco.opencv.opencv_core.StringVector names = net.getLayerNames()) {
                layerTicks = new double[(int) names.size()];
                frameTicks = new double[layerTicks.length];
            }
        }
        net.getPerfProfile(frameTicks);
        for (int i = 0; i < frameTicks.length; i++) layerTicks[i] += frameTicks[i];
        profiledRuns++;
    }

    /** Mean time of each layer over the frames of {@link #runProfiled}, in ms, by layer name in OpenCV's order. */
    public java.util.Map<String, Double> layerMs() {
        double ticksPerMs = opencv_core.getTickFrequency() / 1000;
        java.util.Map<String, Double> ms = new java.util.LinkedHashMap<>();
        if (layerTicks == null) return ms;
        try (org.bytedeco.opencv.opencv_core.StringVector names = net.getLayerNames()) {
            for (int i = 0; i < layerTicks.length; i++) {
                String name = names.get(i).getString();
                int end = name.indexOf('\0'); // the std::string's terminator comes along
                if (end >= 0) name = name.substring(0, end);
                if (name.startsWith(ONNX_NODE)) name = name.substring(ONNX_NODE.length());
                ms.put(name, layerTicks[i] / profiledRuns / ticksPerMs);
            }
        }
        return ms;
    }

    /** The outputs of the last run, flattened (for checking the peer computes what mssd does). */
    public float[][] outputsOf() {
        try (Size size = new Size(width, height); Scalar m = new Scalar(mean, mean, mean, 0);
             Mat blob = opencv_dnn.blobFromImage(bgr, scale, size, m, swapRb, false, opencv_core.CV_32F);
             org.bytedeco.opencv.opencv_core.MatVector out = new org.bytedeco.opencv.opencv_core.MatVector()) {
            net.setInput(blob);
            net.forward(out, outputs);
            float[][] r = new float[(int) out.size()][];
            for (int i = 0; i < r.length; i++) {
                Mat o = out.get(i);
                r[i] = new float[(int) o.total()];
                ((java.nio.FloatBuffer) o.createBuffer()).get(r[i]);
            }
            return r;
        }
    }

    @Override
    public void close() {
        bgr.close();
        outputs.close();
        net.close();
    }
}
