package io.mssd.tools.cli;

import io.mssd.ssd.Detector;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.ssd.track.ByteTrackerOptions;
import io.mssd.tools.progress.ProgressBar;
import io.mssd.tools.video.DemoClip;
import io.mssd.tools.video.ProcessMemory;
import io.mssd.tools.video.VideoDetectionPipeline;
import io.mssd.tools.video.VideoInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code mssd video}: detections on every frame of a video file or camera, drawn and/or as JSON lines. */
@Command(name = "video", mixinStandardHelpOptions = true,
        description = "Detect objects in a video file or camera: annotated video and/or JSON lines.")
public final class VideoCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "INPUT", description = "Video file, or camera:N.")
    String input;

    @Option(names = {"-o", "--out"}, description = "Annotated output video (same size and frame rate; .mp4 or .avi).")
    Path out;

    @Option(names = "--json", description = "JSON lines, one per processed frame: {\"frame\", \"time_ms\", \"detections\"}.")
    Path json;

    @Mixin
    ModelOptions model;

    @Option(names = "--every", defaultValue = "1", description = "Run the detector on every N-th frame (default 1).")
    int every;

    @Option(names = "--max-frames", defaultValue = "0", description = "Stop after K frames (default: all).")
    long maxFrames;

    @Option(names = "--demo", arity = "0..1", fallbackValue = "people", paramLabel = "people|faces", description = {
            "Run on an embedded demo clip, writing demo-out.mp4 and demo-out.jsonl: people (default; OpenCV's vtest.avi,",
            "the COCO model, tracking and a count line) or faces (Megamind.avi, the face model)."})
    String demo;

    @Mixin
    OnlyOption only;

    @Option(names = "--track", description = "Track objects across frames (ByteTrack): stable identities, drawn with trails; JSON lines gain \"tracks\" and \"counts\".")
    boolean track;

    @Option(names = "--count-line", paramLabel = "x1,y1,x2,y2", description = "Count tracks whose box bottom-centre crosses this segment, per direction and label (repeatable; implies --track).")
    List<String> countLines;

    @Mixin
    InFlightOption inFlight;

    @Option(names = "--loop", defaultValue = "1", description = "Repeat the input N times (soak test; prints memory per pass).")
    int loop;

    @Override
    public Integer call() throws Exception {
        DemoClip clip = null;
        if (demo != null) {
            if (input != null) throw new IllegalArgumentException("give either INPUT or --demo, not both");
            clip = switch (demo) {
                case "people" -> DemoClip.PEOPLE;
                case "faces" -> DemoClip.FACES;
                default -> throw new IllegalArgumentException("--demo must be people or faces, got '" + demo + "'");
            };
            input = clip.extract().toString();
            if (out == null) out = Path.of("demo-out.mp4");
            if (json == null) json = Path.of("demo-out.jsonl");
            if (clip == DemoClip.FACES && model.model.equals(ModelZoo.DEFAULT)) model.model = ModelZoo.FACE;
            if (clip == DemoClip.PEOPLE) {
                track = true;
                if (countLines == null) countLines = List.of("384,140,384,576"); // across the street, mid-frame
            }
        }
        if (input == null) throw new IllegalArgumentException("missing INPUT (a video file or camera:N), or use --demo");
        if (out == null && json == null) throw new IllegalArgumentException("nothing to write: give -o OUT.mp4 and/or --json OUT.jsonl");
        List<double[]> lines = new ArrayList<>();
        if (countLines != null) {
            track = true;
            for (String l : countLines) lines.add(segment(l));
        }
        int frames = inFlight.count(model.threadCount(), VideoInput.isCamera(input));
        try (Detector detector = InFlightOption.load(model, frames)) {
            DetectorOptions opt = model.options(detector);
            VideoDetectionPipeline.Tracking tracking = null;
            if (track) {
                // the tracker wants every detection above 0.1 (its second association uses the low ones), more than 10 a frame
                if (model.minScore == null) opt = opt.withMinScore(0.1f);
                if (model.max == null) opt = opt.withMaxResults(100);
                tracking = new VideoDetectionPipeline.Tracking(ByteTrackerOptions.DEFAULTS, lines);
            }
            VideoDetectionPipeline.Settings s = new VideoDetectionPipeline.Settings(input, out, json, every, maxFrames, loop,
                    opt, only.labels(detector.model().labels()), tracking);
            ProgressBar bar = new ProgressBar(System.err, 0, "frames");
            long[] done = new long[1];
            VideoDetectionPipeline.Summary r = new VideoDetectionPipeline(detector, frames).run(s, (d, total) -> {
                bar.total(total);
                bar.update(d);
                done[0] = d;
            });
            bar.finish(done[0]);
            System.out.printf(Locale.ROOT, "input %s: %dx%d at %.2f fps; model %s, %s%n", clip != null ? "demo clip " + clip.fileName() : input,
                    r.width(), r.height(), r.fps(), detector.model().name(),
                    frames > 1 ? frames + " frames in flight, one thread each" : detector.threads() + " threads on each frame");
            System.out.printf(Locale.ROOT, "frames %d (detector on %d), wall %.2f s, %.1f FPS%n", r.frames(), r.processed(),
                    r.wallSeconds(), r.throughputFps());
            System.out.printf(Locale.ROOT, "ms/frame: decode %.1f, infer %.1f, draw+encode %.1f%n", r.decodeMsPerFrame(),
                    r.inferMsPerProcessedFrame(), r.drawEncodeMsPerFrame());
            if (tracking != null) {
                System.out.printf(Locale.ROOT, "tracks: %d distinct identities (tracker %.2f ms/frame)%n", r.tracksCreated(), r.trackMsPerFrame());
                for (var c : r.counters()) {
                    double[] sg = c.segment();
                    System.out.printf(Locale.ROOT, "line (%.0f,%.0f)-(%.0f,%.0f): in %d, out %d%s%n", sg[0], sg[1], sg[2], sg[3], c.totalIn(),
                            c.totalOut(), c.counts().isEmpty() ? "" : "  " + c.counts().entrySet().stream()
                                    .map(e -> e.getKey() + " " + e.getValue().in() + "/" + e.getValue().out()).reduce((a, b) -> a + ", " + b).orElse(""));
                }
            }
            if (loop > 1) {
                int i = 1;
                for (ProcessMemory m : r.memoryPerLoop()) {
                    System.out.printf(Locale.ROOT, "pass %d: heap %.1f MiB, RSS %.1f MiB%n", i++, m.heapUsedBytes() / 1048576.0,
                            m.rssBytes() / 1048576.0);
                }
            }
            if (out != null) System.out.println("wrote " + out);
            if (json != null) System.out.println("wrote " + json);
            if (r.cutOff() != null) {
                // the frames before the cut are written; the run still fails so that a script notices
                throw new IllegalArgumentException(input + ": stopped early: " + r.cutOff() + "; the " + r.frames()
                        + " frames before it were processed and written");
            }
        }
        return 0;
    }

    static double[] segment(String s) {
        String[] p = s.split(",");
        if (p.length != 4) throw new IllegalArgumentException("--count-line '" + s + "': expected x1,y1,x2,y2");
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Double.parseDouble(p[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--count-line '" + s + "': '" + p[i].strip() + "' is not a number");
            }
            if (!Double.isFinite(v[i])) throw new IllegalArgumentException("--count-line '" + s + "': not a finite number");
        }
        if (v[0] == v[2] && v[1] == v[3]) throw new IllegalArgumentException("--count-line '" + s + "': the segment has no length");
        return v;
    }
}
