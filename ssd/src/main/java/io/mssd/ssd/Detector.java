package io.mssd.ssd;

import io.mssd.core.kernels.ComputePool;
import io.mssd.core.nn.Workspace;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.ssd.model.SsdModel;
import io.mssd.ssd.nms.PostProcessor;
import io.mssd.ssd.preprocess.FrameMapping;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The public detection API: load a model, detect objects in images.
 * <pre>{@code
 * try (Detector detector = Detector.load("face-ssd-mobilenetv1")) {
 *     List<Detection> faces = detector.detect(RgbImage.of(ImageIO.read(file)));
 * }
 * }</pre>
 * Safe to call from several threads at once: each call borrows its own buffers (a workspace), and
 * the compute threads are shared (a call that finds them busy computes on its own thread).
 */
public final class Detector implements AutoCloseable {
    private final SsdModel model;
    private final ComputePool pool;
    private final PostProcessor post;
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();

    public Detector(SsdModel model, int threads) {
        this.model = model;
        this.pool = threads == 1 ? ComputePool.single() : new ComputePool(threads);
        this.post = model.postProcessor();
    }

    /** A model by zoo name or path (see {@link ModelZoo#load}), using all cores. */
    public static Detector load(String model) throws IOException {
        return new Detector(ModelZoo.load(model), Runtime.getRuntime().availableProcessors());
    }

    public static Detector load(String model, int threads) throws IOException {
        return new Detector(ModelZoo.load(model), threads);
    }

    public SsdModel model() {
        return model;
    }

    public DetectorOptions defaultOptions() {
        return model.defaults();
    }

    public int threads() {
        return pool.threads();
    }

    public List<Detection> detect(RgbImage image) {
        return detect(image, model.defaults());
    }

    public List<Detection> detect(RgbImage image, DetectorOptions options) {
        return postprocess(infer(image), options);
    }

    /** Runs preprocessing, the network and box decoding; no thresholds applied. */
    public RawDetections infer(RgbImage image) {
        Workspace ws = borrow();
        try {
            FrameMapping m = model.preprocessor().apply(image, ws.input());
            ws.forward();
            return model.decode(ws, m);
        } finally {
            workspaces.add(ws);
        }
    }

    /** Thresholds, NMS and mapping to image pixels; cheap, so a UI can re-run it on every slider move. */
    public List<Detection> postprocess(RawDetections raw, DetectorOptions options) {
        return post.apply(raw, options);
    }

    /** A workspace of this detector's network for custom runs (profiling); give it back with {@link #release}. */
    public Workspace borrow() {
        Workspace ws = workspaces.poll();
        return ws != null ? ws : model.network().newWorkspace(model.inputShape(), pool, model.outputLayers());
    }

    public void release(Workspace ws) {
        workspaces.add(ws);
    }

    @Override
    public void close() {
        pool.close();
        workspaces.clear();
    }
}
