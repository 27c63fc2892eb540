package io.mssd.tools.data;

import io.mssd.ssd.RgbImage;
import io.mssd.ssd.train.SampleSource;
import io.mssd.ssd.train.TrainingSample;
import io.mssd.tools.image.MatImages;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A dataset's images decoded for training: each image is decoded once, optionally shrunk (area
 * interpolation) so its longer side is at most {@code maxSide} (augmentation crops and rescales
 * anyway; 0 keeps the original), and kept in memory while the cache stays under its byte budget;
 * past it images are decoded again on every use. Thread-safe.
 */
public final class DecodedSamples implements SampleSource {
    private final List<LabelledImage> images;
    private final List<String> labels;
    private final int maxSide;
    private final long budget;
    private final TrainingSample[] cache;
    private final AtomicLong cached = new AtomicLong();

    public DecodedSamples(List<LabelledImage> images, List<String> labels, int maxSide, long cacheBytes) {
        this.images = List.copyOf(images);
        this.labels = List.copyOf(labels);
        this.maxSide = maxSide;
        this.budget = cacheBytes;
        this.cache = new TrainingSample[images.size()];
        for (LabelledImage im : images) TrainingData.labelIndices(im, labels); // unknown classes fail now, not mid-training
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public TrainingSample load(int index) {
        TrainingSample s;
        synchronized (cache) {
            s = cache[index];
        }
        if (s != null) return s;
        s = shrink(TrainingData.decode(images.get(index), labels));
        long bytes = s.image().pixels().length;
        if (cached.addAndGet(bytes) <= budget) {
            synchronized (cache) {
                cache[index] = s;
            }
        } else {
            cached.addAndGet(-bytes);
        }
        return s;
    }

    private TrainingSample shrink(TrainingSample s) {
        RgbImage im = s.image();
        int side = Math.max(im.width(), im.height());
        if (maxSide <= 0 || side <= maxSide) return s;
        double f = (double) maxSide / side;
        int w = Math.max(1, (int) Math.round(im.width() * f)), h = Math.max(1, (int) Math.round(im.height() * f));
        RgbImage small;
        try (Mat src = MatImages.toBgr(im); Mat dst = new Mat()) {
            opencv_imgproc.resize(src, dst, new Size(w, h), 0, 0, opencv_imgproc.INTER_AREA);
            small = MatImages.toRgb(dst);
        }
        float sx = (float) w / im.width(), sy = (float) h / im.height();
        float[] b = s.boxes().clone();
        for (int i = 0; i < b.length; i += 4) {
            b[i] *= sx;
            b[i + 1] *= sy;
            b[i + 2] *= sx;
            b[i + 3] *= sy;
        }
        return new TrainingSample(s.source(), small, b, s.labels());
    }
}
