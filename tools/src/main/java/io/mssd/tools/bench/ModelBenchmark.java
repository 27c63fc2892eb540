package io.mssd.tools.bench;

import io.mssd.core.nn.Network;
import io.mssd.core.nn.Workspace;
import io.mssd.core.profile.ModelSummary;
import io.mssd.ssd.Detector;
import io.mssd.ssd.RawDetections;
import io.mssd.ssd.RgbImage;
import io.mssd.ssd.model.SsdModel;
import io.mssd.ssd.preprocess.FrameMapping;

import java.util.Arrays;
import java.util.Locale;

/** Median latency of a detector on one image, and a per-layer time profile of its network. */
public final class ModelBenchmark {
    private ModelBenchmark() {}

    /** Median of {@code runs} timed calls after {@code warmup} untimed ones, in milliseconds. */
    public static double medianMs(Runnable r, int warmup, int runs) {
        for (int i = 0; i < warmup; i++) r.run();
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return median(ms);
    }

    /** Two computations timed in alternation: medians of each, and the median of their per-pair ratios. */
    public record Paired(double firstMs, double secondMs, double pairRatio) {}

    /**
     * Times {@code first} and {@code second} alternately, {@code runs} times each after {@code warmup} of each:
     * on a machine whose speed drifts (a shared VM), both see the same slow and fast minutes, so their ratio
     * holds where two medians measured one after the other would not.
     */
    public static Paired paired(Runnable first, Runnable second, int warmup, int runs) {
        return paired(first, second, warmup, runs, 0);
    }

    /**
     * As {@link #paired(Runnable, Runnable, int, int)}, with {@code settleMillis} of idle time (untimed) after each
     * run of either: an engine whose worker threads spin for a while after a parallel region (OpenCV's pool does)
     * would otherwise take CPU from whatever runs next.
     */
    public static Paired paired(Runnable first, Runnable second, int warmup, int runs, int settleMillis) {
        for (int i = 0; i < warmup; i++) {
            first.run();
            settle(settleMillis);
            second.run();
            settle(settleMillis);
        }
        double[] a = new double[runs], b = new double[runs], ratio = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            first.run();
            a[i] = (System.nanoTime() - t0) / 1e6;
            settle(settleMillis);
            long t1 = System.nanoTime();
            second.run();
            b[i] = (System.nanoTime() - t1) / 1e6;
            settle(settleMillis);
            ratio[i] = a[i] / Math.max(1e-6, b[i]);
        }
        return new Paired(median(a), median(b), median(ratio));
    }

    private static void settle(int millis) {
        if (millis <= 0) return;
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public static double detectMs(Detector d, RgbImage img, int warmup, int runs) {
        return medianMs(() -> d.detect(img), warmup, runs);
    }

    /**
     * Images per second with {@code inFlight} threads calling {@code detect} at once (give a detector
     * with one compute thread: each call then runs on its caller's thread). Each thread warms up, then
     * all start together and run {@code runs} calls each; the rate is all calls over the wall time.
     */
    public static double imagesPerSecond(Detector d, RgbImage img, int inFlight, int warmup, int runs) throws InterruptedException {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(inFlight + 1);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(inFlight);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < inFlight; t++) {
            Thread worker = new Thread(() -> {
                try {
                    for (int i = 0; i < warmup; i++) d.detect(img);
                    start.await();
                    for (int i = 0; i < runs; i++) d.detect(img);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    start.reset(); // release the others
                } finally {
                    done.countDown();
                }
            }, "mssd-bench-" + t);
            worker.setDaemon(true);
            worker.start();
        }
        try {
            start.await();
        } catch (java.util.concurrent.BrokenBarrierException e) {
            // a worker failed before the start: reported below
        }
        long t0 = System.nanoTime();
        done.await();
        long t1 = System.nanoTime();
        if (failure.get() != null) throw new IllegalStateException("benchmark thread failed", failure.get());
        return (double) inFlight * runs / ((t1 - t0) / 1e9);
    }

    /**
     * Median time of each stage of {@link Detector#detect}: preprocessing (resize, normalise), the
     * network, decoding (scores, boxes) and post-processing (thresholds, NMS), one line.
     */
    public static String stages(Detector d, RgbImage img, int runs) {
        Workspace ws = d.borrow();
        try {
            SsdModel m = d.model();
            FrameMapping[] map = new FrameMapping[1];
            RawDetections[] raw = new RawDetections[1];
            double pre = medianMs(() -> map[0] = m.preprocessor().apply(img, ws.input()), 3, runs);
            double net = medianMs(ws::forward, 3, runs);
            double dec = medianMs(() -> raw[0] = m.decode(ws, map[0]), 3, runs);
            double post = medianMs(() -> d.postprocess(raw[0], d.defaultOptions()), 3, runs);
            return String.format(Locale.ROOT, "stages (median ms): preprocess %.2f, network %.2f, decode %.2f, postprocess %.2f%n",
                    pre, net, dec, post);
        } finally {
            d.release(ws);
        }
    }

    /** Idle time after each timed run of the floor's pairs (see fp32Floor). */
    private static final int SETTLE_MS = 20;

    /**
     * Each engine's time as a multiple of the model's fp32 arithmetic floor ({@link FmaCeiling}: its mult-adds as
     * FMAs at this machine's best rate, on the detector's threads), the floor timed alternating with mssd's network
     * pass and then with the peer's frame, so that each ratio comes from the same seconds. With a peer, also the
     * lowest mssd/peer ratio the floor allows. Call only where jdk.incubator.vector is present.
     */
    public static String fp32Floor(Detector d, OpenCvDnnPeer peer, int warmup, int runs) {
        long multAdds = ModelSummary.of(d.model().network(), d.model().inputShape()).multAdds();
        Workspace ws = d.borrow();
        try (FmaCeiling floor = new FmaCeiling(2.0 * multAdds, d.threads())) {
            // idle between the runs: OpenCV's workers spin after a frame (the floor's threads timed right after
            // one ran 30-50% slower at 2 threads), and both engines get the same pause
            Paired ours = paired(ws::forward, floor, warmup, runs, SETTLE_MS);
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "fp32 floor: the model's %.3f G mult-adds as FMAs at this machine's best rate"
                            + " (12 chains of %d lanes a thread, no memory, %d thread%s), alternating with mssd's network: %.2f ms"
                            + " (%.1f GFLOP/s)%n", multAdds / 1e9, FmaCeiling.lanes(), d.threads(), d.threads() == 1 ? "" : "s",
                    ours.secondMs(), floor.flops() / (ours.secondMs() * 1e6)));
            sb.append(String.format(Locale.ROOT, "mssd network pass: %.2f ms, %.2fx the floor (median of the %d pairs' ratios)%n",
                    ours.firstMs(), ours.pairRatio(), runs));
            if (peer != null) {
                Paired theirs = paired(peer::run, floor, warmup, runs, SETTLE_MS);
                sb.append(String.format(Locale.ROOT, "opencv dnn frame (blobFromImage + forward): %.2f ms, %.2fx the floor;"
                                + " no fp32 engine doing these multiplications goes below %.2fx opencv here%n",
                        theirs.firstMs(), theirs.pairRatio(), 1 / theirs.pairRatio()));
            }
            return sb.toString();
        } finally {
            d.release(ws);
        }
    }

    /** Per-layer wall time of the network alone (preprocessing and decoding excluded), averaged over runs. */
    public static String profile(Detector d, int runs) {
        return profile(d, runs, null);
    }

    /**
     * The per-layer profile; with a peer (OpenCV DNN on the same files), the peer runs a profiled frame after
     * each of mssd's, so both see the same phases of a noisy machine, and its layer times stand in a column
     * beside mssd's (by layer name), with a line comparing the two over the layers both have.
     */
    public static String profile(Detector d, int runs, OpenCvDnnPeer peer) {
        Workspace ws = d.borrow();
        try {
            for (int i = 0; i < 3; i++) {
                ws.forward();
                if (peer != null) peer.run(); // the first passes set up OpenCV's buffers
            }
            ws.resetTimes();
            for (int i = 0; i < runs; i++) {
                ws.forwardTimed();
                if (peer != null) peer.runProfiled();
            }
            java.util.Map<String, Double> peerMs = peer == null ? null : peer.layerMs();
            long[] ns = ws.layerNanos();
            Network net = d.model().network();
            ModelSummary s = ModelSummary.of(net, d.model().inputShape());
            long total = 0;
            for (long n : ns) total += n;
            StringBuilder sb = new StringBuilder();
            int nameW = 12;
            for (ModelSummary.Row r : s.rows()) nameW = Math.max(nameW, r.name().length());
            String fmt = "%-" + nameW + "s  %-18s  %-14s  %8s  %6s  %8s", peerFmt = "  %9s";
            sb.append(String.format(Locale.ROOT, fmt, "layer", "type", "output", "ms", "share", "GFLOP/s"));
            if (peerMs != null) sb.append(String.format(Locale.ROOT, peerFmt, "opencv ms"));
            sb.append(System.lineSeparator());
            double pw = 0, dw = 0, other = 0, matchedOurs = 0, matchedPeer = 0;
            int matched = 0;
            for (int i = 0; i < ns.length; i++) {
                ModelSummary.Row r = s.rows().get(i);
                double ms = ns[i] / 1e6 / runs;
                double gflops = r.multAdds() * 2 / (ns[i] / (double) runs) ;
                sb.append(String.format(Locale.ROOT, fmt, r.name(), r.type(), r.output(), String.format(Locale.ROOT, "%.3f", ms),
                        String.format(Locale.ROOT, "%.1f%%", 100.0 * ns[i] / total), r.multAdds() == 0 ? "" : String.format(Locale.ROOT, "%.1f", gflops)));
                if (peerMs != null) {
                    Double theirs = peerMs.get(r.name());
                    if (theirs != null) {
                        matched++;
                        matchedOurs += ms;
                        matchedPeer += theirs;
                    }
                    sb.append(String.format(Locale.ROOT, peerFmt, theirs == null ? "" : String.format(Locale.ROOT, "%.3f", theirs)));
                }
                sb.append(System.lineSeparator());
                if (r.type().startsWith("dw")) dw += ms;
                else if (r.type().startsWith("conv 1x1")) pw += ms;
                else other += ms;
            }
            double all = total / 1e6 / runs;
            sb.append(String.format(Locale.ROOT, "network %.2f ms: 1x1 convolutions %.2f ms (%.0f%%), depthwise %.2f ms (%.0f%%),"
                    + " other layers %.2f ms (%.0f%%); %.2f G mult-adds -> %.1f GFLOP/s overall%n", all, pw, 100 * pw / all, dw,
                    100 * dw / all, other, 100 * other / all, s.multAdds() / 1e9, s.multAdds() * 2 / (all * 1e6)));
            if (peerMs != null) {
                double peerAll = 0;
                for (double v : peerMs.values()) peerAll += v;
                if (matched == 0) { // an ONNX export's node names need not be the layer names mssd gives
                    sb.append(String.format(Locale.ROOT, "opencv, layer by layer: no layer name in common; all of opencv's"
                            + " layers %.2f ms%n", peerAll));
                } else {
                    sb.append(String.format(Locale.ROOT, "opencv, layer by layer: the %d layers both name take %.2f ms in mssd and"
                                    + " %.2f ms in opencv (%.2fx); all of opencv's layers %.2f ms%n", matched, matchedOurs, matchedPeer,
                            matchedPeer > 0 ? matchedOurs / matchedPeer : Double.NaN, peerAll));
                }
            }
            return sb.toString();
        } finally {
            d.release(ws);
        }
    }
}
