package io.mssd.tools.cli;

import io.mssd.ssd.Detector;
import picocli.CommandLine.Option;

import java.io.IOException;

/**
 * {@code --in-flight N}: images detected at once, each on one core. On a 300x300 SSD one image
 * cannot keep several cores busy (the 10x10..1x1 layers are too small to split), so for a batch
 * (a video file, an evaluation) several images side by side give more images per second; one image
 * on every core gives the lowest latency (a camera).
 */
public final class InFlightOption {
    @Option(names = "--in-flight", paramLabel = "N", description = "Images detected at once, each on one core (default: "
            + "--threads for files, for throughput; 1 for a camera, for the lowest latency: all --threads on each image).")
    Integer inFlight;

    /** N: the option, else {@code threads}, or 1 when latency matters more than throughput. */
    public int count(int threads, boolean latencyFirst) {
        int n = inFlight != null ? inFlight : latencyFirst ? 1 : threads;
        if (n < 1) throw new IllegalArgumentException("--in-flight must be >= 1, got " + n);
        return n;
    }

    /** The detector for N in flight: one compute thread per call when N > 1, else all {@code threads}. */
    public static Detector load(ModelOptions model, int inFlight) throws IOException {
        return model.load(inFlight > 1 ? 1 : model.threadCount());
    }
}
