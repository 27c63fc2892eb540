package io.mssd.tools.cli;

import io.mssd.core.kernels.GemmKernel;
import io.mssd.core.kernels.VectorSupport;
import io.mssd.ssd.Detector;
import io.mssd.ssd.RgbImage;
import io.mssd.tools.bench.GemmBenchmark;
import io.mssd.tools.bench.ModelBenchmark;
import io.mssd.tools.image.MatImages;
import io.mssd.tools.video.DemoClip;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code mssd bench}: speed, always against a peer measured in the same run where one exists. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Latency of a model on one fixed image (median of --runs after warm-up).",
            "`mssd bench gemm` compares the GEMM kernels with EJML and OpenCV.",
            "`mssd bench train` measures training images/s."},
        subcommands = {BenchCommand.Gemm.class, BenchCommand.Train.class})
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--runs", defaultValue = "30", description = "Timed runs (default 30).")
    int runs;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed warm-up runs (default 10).")
    int warmup;

    @Option(names = "--image", description = "Image to run on (default: frame 60 of the demo clip).")
    Path image;

    @Option(names = "--profile", description = "Also print the per-layer time profile of the network and the time of each stage of detect().")
    boolean profile;

    @Option(names = "--vs-opencv", description = "Also time OpenCV DNN on the same model files and print the ratio (caffe: and onnx: models).")
    boolean vsOpenCv;

    @Option(names = "--fp32-floor", description = "Also time the model's mult-adds as FMAs at this machine's best fp32 rate "
            + "(no memory), alternating with the network (and OpenCV with --vs-opencv), and give each engine's time as a "
            + "multiple of that floor.")
    boolean fp32Floor;

    @Option(names = "--in-flight", paramLabel = "N", description = "Also measure throughput: images/s with N images detected at once, "
            + "each on one thread (as video and eval run by default), next to one image at a time on --threads.")
    Integer inFlight;

    @Override
    public Integer call() throws Exception {
        if (inFlight != null && inFlight < 1) throw new IllegalArgumentException("--in-flight must be >= 1, got " + inFlight);
        if (runs < 1 || warmup < 0) throw new IllegalArgumentException("--runs must be >= 1 and --warmup >= 0");
        if (vsOpenCv && !model.model.startsWith("caffe:") && !model.model.startsWith("onnx:")) {
            // before minutes of timing, not after
            throw new IllegalArgumentException("--vs-opencv needs a caffe:DEPLOY.prototxt,WEIGHTS.caffemodel or onnx:FILE model");
        }
        if (fp32Floor && !VectorSupport.modulePresent()) {
            throw new IllegalArgumentException("--fp32-floor needs the jdk.incubator.vector module (java --add-modules"
                    + " jdk.incubator.vector; the mssd launcher adds it unless MSSD_VECTOR or -Dmssd.vector is false)");
        }
        RgbImage img = image != null ? MatImages.read(image) : demoFrame(60);
        try (Detector d = model.load()) {
            System.out.printf(Locale.ROOT, "model %s (input %s), image %dx%d, %d threads, kernels: %s%n", d.model().name(),
                    d.model().inputShape(), img.width(), img.height(), d.threads(), GemmKernel.fastest().name());
            double ms = ModelBenchmark.detectMs(d, img, warmup, runs);
            try (io.mssd.tools.bench.OpenCvDnnPeer cv = vsOpenCv ? openCvPeer(d, img) : null) {
                if (profile) System.out.print(ModelBenchmark.profile(d, runs, cv) + ModelBenchmark.stages(d, img, runs));
                System.out.printf(Locale.ROOT, "mssd: %.2f ms/frame (median of %d, detect() incl. pre/post-processing)%n", ms, runs);
                if (inFlight != null) {
                    double split = ModelBenchmark.imagesPerSecond(d, img, 1, 0, runs);
                    double side;
                    try (Detector single = new Detector(d.model(), 1)) { // the loaded model, one compute thread per call
                        side = ModelBenchmark.imagesPerSecond(single, img, inFlight, warmup, runs);
                    }
                    System.out.printf(Locale.ROOT, "throughput: %.1f images/s one at a time on %d threads, %.1f images/s with %d in flight"
                            + " (one thread each): %.2fx%n", split, d.threads(), side, inFlight, side / split);
                }
                if (cv != null) {
                    ModelBenchmark.Paired p = ModelBenchmark.paired(() -> d.detect(img), cv::run, warmup, runs);
                    System.out.printf(Locale.ROOT, "opencv dnn %s: %.2f ms/frame (median of %d, blobFromImage + forward,"
                                    + " alternating with mssd: %.2f ms/frame)%n",
                            org.bytedeco.opencv.global.opencv_core.CV_VERSION(), p.secondMs(), runs, p.firstMs());
                    System.out.printf(Locale.ROOT, "ratio mssd/opencv: %.2f (median of the %d pairs' ratios; of the medians: %.2f)%n",
                            p.pairRatio(), runs, p.firstMs() / p.secondMs());
                }
                if (fp32Floor) System.out.print(ModelBenchmark.fp32Floor(d, cv, warmup, runs));
            }
        }
        return 0;
    }

    /** OpenCV DNN on the same files as the caffe: or onnx: model (others were refused before timing). */
    private io.mssd.tools.bench.OpenCvDnnPeer openCvPeer(Detector d, RgbImage img) {
        int w = d.model().inputShape().w(), h = d.model().inputShape().h();
        if (model.model.startsWith("caffe:")) {
            String[] files = model.model.substring("caffe:".length()).split(",");
            return new io.mssd.tools.bench.OpenCvDnnPeer(files[0].strip(), files[1].strip(), img, w, h, d.threads());
        }
        return io.mssd.tools.bench.OpenCvDnnPeer.onnx(model.model.substring("onnx:".length()).strip(), img, w, h, d.threads());
    }

    static RgbImage demoFrame(int index) throws Exception {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(DemoClip.FACES.extract().toFile());
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
            g.start();
            Frame f = null;
            for (int i = 0; i <= index; i++) f = g.grabImage();
            return MatImages.toRgb(conv.convert(f));
        }
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "GFLOP/s of the engine's GEMM vs EJML and OpenCV gemm on the MobileNet-SSD 1x1 shapes.")
    static final class Gemm implements Callable<Integer> {
        @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts (default 1,2).")
        int[] threads;

        @Option(names = "--seconds", defaultValue = "1.0", description = "Measuring time per case (default 1.0).")
        double seconds;

        @Override
        public Integer call() {
            System.out.println("engine kernel: " + GemmKernel.fastest().name());
            GemmBenchmark b = new GemmBenchmark(seconds);
            System.out.print(GemmBenchmark.table(b.run(threads, System.err)));
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = {
            "Training images/s: whole steps (preprocessing, forward, MultiBox loss, backward, SGD update) on a batch",
            "of the demo frame with three boxes per image, all layers trainable and backbone frozen."})
    static final class Train implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "Model to train (tflite: models train as their float version).")
        String model;

        @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts (default 1,2).")
        int[] threads;

        @Option(names = "--batch", defaultValue = "16", description = "Images per step (default 16).")
        int batch;

        @Option(names = "--steps", defaultValue = "5", description = "Timed steps (default 5; the median is reported).")
        int steps;

        @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default 3).")
        int warmup;

        @Override
        public Integer call() throws Exception {
            if (batch < 1 || steps < 1 || warmup < 0) throw new IllegalArgumentException("--batch and --steps must be >= 1, --warmup >= 0");
            io.mssd.ssd.model.SsdModel first = io.mssd.ssd.model.ModelZoo.loadFloat(model, null);
            java.util.function.Supplier<io.mssd.ssd.model.SsdModel> fresh = () -> {
                try {
                    return io.mssd.ssd.model.ModelZoo.loadFloat(model, null);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            var samples = io.mssd.tools.bench.TrainingBenchmark.batch(demoFrame(60), batch, first.labels().size());
            System.out.printf(java.util.Locale.ROOT, "model %s (input %s, %d classes), batch %d, kernels: %s%n", first.name(),
                    first.inputShape(), first.labels().size(), batch, GemmKernel.fastest().name());
            System.out.println("threads  layers             images/s   ms/step");
            for (int t : threads) {
                for (boolean frozen : new boolean[] {false, true}) {
                    var r = io.mssd.tools.bench.TrainingBenchmark.run(fresh, samples, t, frozen, warmup, steps);
                    System.out.printf(java.util.Locale.ROOT, "%7d  %-17s %9.1f %9.0f%n", t, frozen ? "backbone frozen" : "all trainable",
                            r.imagesPerSecond(), r.msPerStep());
                }
            }
            return 0;
        }
    }
}
