package io.mssd.tools.video;

import com.google.gson.Gson;
import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.RgbImage;
import io.mssd.tools.cli.DetectionJson;
import io.mssd.ssd.track.ByteTracker;
import io.mssd.ssd.track.ByteTrackerOptions;
import io.mssd.ssd.track.LineCounter;
import io.mssd.ssd.track.TrackedObject;
import io.mssd.tools.cli.TrackJson;
import io.mssd.tools.draw.DetectionOverlay;
import io.mssd.tools.draw.TrackOverlay;
import io.mssd.tools.image.MatImages;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * decode -> detect -> track -> draw + encode, each stage on its own thread, joined by small bounded
 * queues so the slowest stage sets the pace and memory stays bounded. Detection runs on
 * {@code inFlight} threads, several frames at once (each on one core: on small maps one frame cannot
 * keep several cores busy); the tracker takes the frames back in their order. Each decoded frame is
 * copied out of the grabber's reused buffer before it leaves the decode thread and its native Mat is
 * released after encoding. Outputs are written under temporary names and moved into place only when the run
 * succeeds: a failed run leaves no half-written file behind.
 */
public final class VideoDetectionPipeline {

    /** What to run. output/json may be null; every = run the detector on every N-th frame; only = labels kept (null: all); tracking may be null. */
    public record Settings(String input, Path output, Path json, int every, long maxFrames, int loops, DetectorOptions options,
                           java.util.Set<String> only, Tracking tracking) {
        public Settings {
            if (every < 1) throw new IllegalArgumentException("--every must be >= 1, got " + every);
            if (loops < 1) throw new IllegalArgumentException("--loop must be >= 1, got " + loops);
        }

        public Settings(String input, Path output, Path json, int every, long maxFrames, int loops, DetectorOptions options) {
            this(input, output, json, every, maxFrames, loops, options, null, null);
        }
    }

    /** ByteTrack on the detections (its frame rate set from the input's) and count lines (x1, y1, x2, y2 each). */
    public record Tracking(ByteTrackerOptions options, List<double[]> lines) {}

    /** Totals of a run: frames, detector runs, wall time and per-stage milliseconds per frame. */
    public record Summary(long frames, long processed, int width, int height, double fps, double wallSeconds,
                          double decodeMsPerFrame, double inferMsPerProcessedFrame, double drawEncodeMsPerFrame,
                          List<ProcessMemory> memoryPerLoop, int tracksCreated, List<LineCounter> counters, double trackMsPerFrame,
                          String cutOff) {
        /** Where the input stopped before its end (a cut-off or corrupt file), or null when it was read whole. */
        public String cutOff() {
            return cutOff;
        }

        public double throughputFps() {
            return frames / wallSeconds;
        }
    }

    /** Progress callback: frames finished so far and the expected total (<= 0 when unknown). */
    public interface Listener {
        void progress(long done, long total);
    }

    private static final int QUEUE = 4;

    private static final class Job {
        final long index;
        final long timeMs;
        final Mat bgr;
        final RgbImage rgb; // null when the detector skips this frame
        List<Detection> detections = List.of();
        List<TrackedObject> tracks = List.of();
        List<Object> counts = List.of();
        boolean processed;
        /** Counted down when the detections are in (or failed); the tracking stage waits on it. */
        final CountDownLatch detectedLatch = new CountDownLatch(1);
        volatile Throwable failure;

        Job(long index, long timeMs, Mat bgr, RgbImage rgb) {
            this.index = index;
            this.timeMs = timeMs;
            this.bgr = bgr;
            this.rgb = rgb;
        }
    }

    private static final Job END = new Job(-1, 0, null, null);

    private final Detector detector;
    private final int inFlight;

    /** One frame detected at a time, on all of the detector's compute threads. */
    public VideoDetectionPipeline(Detector detector) {
        this(detector, 1);
    }

    /**
     * {@code inFlight} frames detected at once, each on its own thread (give a detector with one compute
     * thread per frame: a frame that finds the detector's pool busy computes on its own thread anyway).
     */
    public VideoDetectionPipeline(Detector detector, int inFlight) {
        if (inFlight < 1) throw new IllegalArgumentException("frames in flight must be >= 1, got " + inFlight);
        this.detector = detector;
        this.inFlight = inFlight;
    }

    public Summary run(Settings s, Listener listener) throws IOException, InterruptedException {
        // FFmpeg's own log lines (stream banners, "moov atom not found", decoding complaints) would turn one
        // error into several lines: mssd reports what went wrong itself
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        Path tmpVideo = s.output() == null ? null : temporary(s.output());
        Path tmpJson = s.json() == null ? null : temporary(s.json());
        List<LineCounter> counters = new ArrayList<>(); // before the input opens: a bad line leaves nothing open
        if (s.tracking() != null) for (double[] l : s.tracking().lines()) counters.add(new LineCounter(l[0], l[1], l[2], l[3]));
        FrameGrabber grabber = VideoInput.open(s.input());
        ExecutorService threads = Executors.newFixedThreadPool(2 + inFlight, r -> {
            Thread t = new Thread(r, "mssd-video");
            t.setDaemon(true);
            return t;
        });
        // every decoded frame enters `ordered` (the tracking stage's view, in frame order) and, when the
        // detector runs on it, `toDetect` (the detection threads' view, taken in any order)
        BlockingQueue<Job> ordered = new ArrayBlockingQueue<>(QUEUE + 2 * inFlight), toDetect = new ArrayBlockingQueue<>(QUEUE),
                detected = new ArrayBlockingQueue<>(QUEUE);
        long[] decodeNanos = new long[1], trackNanos = new long[1];
        AtomicLong inferNanos = new AtomicLong();
        long[] processed = new long[1];
        String[] cutOff = new String[1];
        List<ProcessMemory> memory = new ArrayList<>();
        boolean success = false;
        FFmpegFrameRecorder recorder = null;
        int w = grabber.getImageWidth(), h = grabber.getImageHeight();
        double fps = grabber.getFrameRate() > 0 ? grabber.getFrameRate() : 25;
        long perLoop = VideoInput.isCamera(s.input()) ? -1 : grabber.getLengthInFrames();
        long total = perLoop > 0 ? perLoop * s.loops() : -1;
        if (s.maxFrames() > 0) total = total > 0 ? Math.min(total, s.maxFrames()) : s.maxFrames();
        // the tracker sees every N-th frame: its frame rate is the input's over N
        ByteTracker tracker = s.tracking() == null ? null : new ByteTracker(s.tracking().options().withFrameRate(fps / s.every()));
        long start = System.nanoTime();
        long frames = 0, drawNanos = 0;
        try (BufferedWriter json = tmpJson == null ? null : Files.newBufferedWriter(tmpJson, StandardCharsets.UTF_8);
             OpenCVFrameConverter.ToMat toFrame = new OpenCVFrameConverter.ToMat()) {
            if (tmpVideo != null) {
                recorder = new FFmpegFrameRecorder(tmpVideo.toFile(), w, h, 0);
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                recorder.setFrameRate(fps);
                recorder.setVideoBitrate((int) Math.min(20_000_000, Math.max(500_000, w * h * fps * 0.2)));
                try {
                    recorder.start();
                } catch (FFmpegFrameRecorder.Exception e) {
                    throw new IllegalArgumentException(s.output() + ": cannot write the video (" + e.getMessage() + ")", e);
                }
            }
            final FrameGrabber g = grabber;
            final long totalFrames = total;
            final long framesPerLoop = perLoop;
            Future<?> decoder = threads.submit(() -> decode(g, s, framesPerLoop, ordered, toDetect, decodeNanos, memory, cutOff));
            TrackOverlay overlay = new TrackOverlay();
            List<Future<?>> detection = new ArrayList<>();
            for (int i = 0; i < inFlight; i++) detection.add(threads.submit(() -> detect(s, toDetect, inferNanos)));
            Future<?> inference = threads.submit(() -> track(ordered, detected, processed, tracker, counters, trackNanos));
            Gson gson = new Gson();
            while (true) {
                Job job = detected.poll(100, TimeUnit.MILLISECONDS);
                if (job == null) {
                    failIfDone(decoder);
                    for (Future<?> d : detection) failIfDone(d);
                    failIfDone(inference);
                    continue;
                }
                if (job == END) break;
                long t0 = System.nanoTime();
                try {
                    if (recorder != null) {
                        if (tracker != null) overlay.draw(job.bgr, job.tracks, counters);
                        else DetectionOverlay.draw(job.bgr, job.detections);
                        Frame f = toFrame.convert(job.bgr);
                        recorder.record(f);
                    }
                    if (json != null && job.processed) {
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("frame", job.index);
                        line.put("time_ms", job.timeMs);
                        line.put("detections", DetectionJson.of(job.detections));
                        if (tracker != null) {
                            line.put("tracks", TrackJson.of(job.tracks));
                            line.put("counts", job.counts);
                        }
                        json.write(gson.toJson(line));
                        json.newLine();
                    }
                } finally {
                    job.bgr.close();
                }
                drawNanos += System.nanoTime() - t0;
                frames++;
                if (listener != null) listener.progress(frames, totalFrames);
            }
            decoder.get();
            for (Future<?> d : detection) d.get();
            inference.get();
            if (recorder != null) {
                recorder.stop();
            }
            success = true;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof IOException io) throw io;
            throw new IllegalStateException(c);
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(5, TimeUnit.SECONDS);
            drain(ordered);
            toDetect.clear(); // the same frames as in `ordered`, released there
            drain(detected);
            if (recorder != null) {
                try {
                    recorder.release();
                } catch (Exception ignored) {
                    // already failing or finished
                }
            }
            VideoInput.closeQuietly(grabber);
            if (success) {
                if (tmpVideo != null) Files.move(tmpVideo, s.output(), StandardCopyOption.REPLACE_EXISTING);
                if (tmpJson != null) Files.move(tmpJson, s.json(), StandardCopyOption.REPLACE_EXISTING);
            } else {
                if (tmpVideo != null) Files.deleteIfExists(tmpVideo);
                if (tmpJson != null) Files.deleteIfExists(tmpJson);
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return new Summary(frames, processed[0], w, h, fps, wall, frames == 0 ? 0 : decodeNanos[0] / 1e6 / frames,
                processed[0] == 0 ? 0 : inferNanos.get() / 1e6 / processed[0], frames == 0 ? 0 : drawNanos / 1e6 / frames,
                memory, tracker == null ? 0 : tracker.tracksCreated(), counters,
                processed[0] == 0 ? 0 : trackNanos[0] / 1e6 / processed[0], cutOff[0]);
    }


    /**
     * Decodes every frame into {@code out}. A file that stops early (an error after the first frame, or
     * fewer frames than its container declares) ends the decoding there: the frames before are
     * processed and written, and {@code cutOff[0]} says where it stopped.
     */
    private Void decode(FrameGrabber first, Settings s, long declaredFrames, BlockingQueue<Job> out,
                        BlockingQueue<Job> toDetect, long[] nanos, List<ProcessMemory> memory, String[] cutOff) throws Exception {
        long index = 0;
        try (OpenCVFrameConverter.ToMat toMat = new OpenCVFrameConverter.ToMat()) {
            FrameGrabber g = first;
            for (int loop = 0; loop < s.loops() && cutOff[0] == null; loop++) {
                if (loop > 0) {
                    g.stop(); // reopen the input from the start: a soak test repeats the same input
                    g.start();
                }
                long inLoop = 0;
                while (s.maxFrames() <= 0 || index < s.maxFrames()) {
                    long t0 = System.nanoTime();
                    Frame f;
                    try {
                        f = g instanceof org.bytedeco.javacv.FFmpegFrameGrabber fg ? fg.grabImage() : g.grab();
                    } catch (FrameGrabber.Exception e) {
                        if (index == 0) {
                            throw new IllegalArgumentException(s.input() + ": cannot decode frame 0 (" + e.getMessage() + ")", e);
                        }
                        cutOff[0] = "cannot decode frame " + index + " (" + e.getMessage() + ")";
                        break;
                    }
                    if (f == null) {
                        // containers that count their frames (mp4's nb_frames) give the exact number; others an
                        // estimate from the duration: a shortfall beyond 2% + 2 frames is a cut, not rounding
                        if (declaredFrames > 0 && inLoop < declaredFrames - 2 - declaredFrames / 50 && s.maxFrames() <= 0) {
                            cutOff[0] = "the video ends at frame " + index + " of the " + declaredFrames + " its container declares";
                        }
                        break;
                    }
                    inLoop++;
                    Mat view = toMat.convert(f);
                    if (view == null || view.empty()) continue;
                    Mat copy = view.clone(); // the grabber reuses its buffer for the next frame
                    RgbImage rgb = index % s.every() == 0 ? MatImages.toRgb(copy) : null;
                    long timeMs = Math.max(0, g.getTimestamp() / 1000);
                    nanos[0] += System.nanoTime() - t0;
                    Job job = new Job(index++, timeMs, copy, rgb);
                    out.put(job); // first in frame order, so the frame the tracker waits on is never stuck behind a full toDetect
                    if (rgb != null) toDetect.put(job);
                    else job.detectedLatch.countDown();
                }
                memory.add(ProcessMemory.now());
                if (s.maxFrames() > 0 && index >= s.maxFrames()) break;
            }
        } finally {
            out.put(END);
            toDetect.put(END);
        }
        return null;
    }

    /** One detection thread: frames from {@code in} in any order; END is passed on to the next thread. */
    private Void detect(Settings s, BlockingQueue<Job> in, AtomicLong nanos) throws InterruptedException {
        while (true) {
            Job job = in.take();
            if (job == END) {
                in.put(END);
                return null;
            }
            try {
                long t0 = System.nanoTime();
                List<Detection> found = detector.detect(job.rgb, s.options());
                if (s.only() != null) found = found.stream().filter(d -> s.only().contains(d.label())).toList();
                nanos.addAndGet(System.nanoTime() - t0);
                job.detections = found;
                job.processed = true;
            } catch (Throwable t) {
                job.failure = t;
                throw t;
            } finally {
                job.detectedLatch.countDown();
            }
        }
    }

    /** Frames in their order: waits for each one's detections, then tracks and counts. */
    private Void track(BlockingQueue<Job> in, BlockingQueue<Job> out, long[] processed, ByteTracker tracker,
                       List<LineCounter> counters, long[] trackNanos) throws InterruptedException {
        List<Detection> last = List.of();
        List<TrackedObject> lastTracks = List.of();
        List<Object> lastCounts = TrackJson.counts(counters);
        try {
            while (true) {
                Job job = in.take();
                if (job == END) break;
                job.detectedLatch.await();
                if (job.failure != null) {
                    job.bgr.close();
                    throw new IllegalStateException("detection failed on frame " + job.index, job.failure);
                }
                if (job.processed) {
                    last = job.detections;
                    if (tracker != null) {
                        long t1 = System.nanoTime();
                        lastTracks = tracker.update(last);
                        for (LineCounter c : counters) c.update(lastTracks);
                        trackNanos[0] += System.nanoTime() - t1;
                        lastCounts = TrackJson.counts(counters);
                    }
                    processed[0]++;
                }
                job.detections = last; // skipped frames show the latest detections
                job.tracks = lastTracks;
                job.counts = lastCounts;
                out.put(job);
            }
        } finally {
            out.put(END);
        }
        return null;
    }

    private static void failIfDone(Future<?> f) throws ExecutionException, InterruptedException {
        if (f.isDone()) f.get(); // rethrows a stage's failure
    }

    private static void drain(BlockingQueue<Job> q) {
        for (Job j; (j = q.poll()) != null; ) {
            if (j != END && j.bgr != null) j.bgr.close();
        }
    }

    /** Same folder and extension (FFmpeg picks the container by it), hidden name. */
    static Path temporary(Path target) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new IllegalArgumentException(target + ": output folder does not exist");
        if (!Files.isWritable(dir)) throw new IllegalArgumentException(target + ": output folder is not writable");
        if (Files.isDirectory(abs)) throw new IllegalArgumentException(target + ": is a folder, expected a file name");
        String name = abs.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot) : "";
        return dir.resolve("." + (dot > 0 ? name.substring(0, dot) : name) + ".partial" + ext);
    }
}
