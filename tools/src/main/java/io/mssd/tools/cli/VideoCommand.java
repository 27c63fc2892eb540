package io.mssd.tools.cli;

import io.mssd.ssd.Detector;
import io.mssd.tools.progress.ProgressBar;
import io.mssd.tools.video.DemoClip;
import io.mssd.tools.video.ProcessMemory;
import io.mssd.tools.video.VideoDetectionPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
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

    @Option(names = "--demo", description = "Run on the embedded demo clip; writes demo-out.mp4 and demo-out.jsonl.")
    boolean demo;

    @Option(names = "--loop", defaultValue = "1", description = "Repeat the input N times (soak test; prints memory per pass).")
    int loop;

    @Override
    public Integer call() throws Exception {
        if (demo) {
            if (input != null) throw new IllegalArgumentException("give either INPUT or --demo, not both");
            input = DemoClip.extract().toString();
            if (out == null) out = Path.of("demo-out.mp4");
            if (json == null) json = Path.of("demo-out.jsonl");
        }
        if (input == null) throw new IllegalArgumentException("missing INPUT (a video file or camera:N), or use --demo");
        if (out == null && json == null) throw new IllegalArgumentException("nothing to write: give -o OUT.mp4 and/or --json OUT.jsonl");
        try (Detector detector = model.load()) {
            VideoDetectionPipeline.Settings s = new VideoDetectionPipeline.Settings(input, out, json, every, maxFrames, loop,
                    model.options(detector));
            ProgressBar bar = new ProgressBar(System.err, 0, "frames");
            long[] done = new long[1];
            VideoDetectionPipeline.Summary r = new VideoDetectionPipeline(detector).run(s, (d, total) -> {
                bar.total(total);
                bar.update(d);
                done[0] = d;
            });
            bar.finish(done[0]);
            System.out.printf(Locale.ROOT, "input %s: %dx%d at %.2f fps; model %s, %d threads%n", demo ? "demo clip Megamind.avi" : input,
                    r.width(), r.height(), r.fps(), detector.model().name(), detector.threads());
            System.out.printf(Locale.ROOT, "frames %d (detector on %d), wall %.2f s, %.1f FPS%n", r.frames(), r.processed(),
                    r.wallSeconds(), r.throughputFps());
            System.out.printf(Locale.ROOT, "ms/frame: decode %.1f, infer %.1f, draw+encode %.1f%n", r.decodeMsPerFrame(),
                    r.inferMsPerProcessedFrame(), r.drawEncodeMsPerFrame());
            if (loop > 1) {
                int i = 1;
                for (ProcessMemory m : r.memoryPerLoop()) {
                    System.out.printf(Locale.ROOT, "pass %d: heap %.1f MiB, RSS %.1f MiB%n", i++, m.heapUsedBytes() / 1048576.0,
                            m.rssBytes() / 1048576.0);
                }
            }
            if (out != null) System.out.println("wrote " + out);
            if (json != null) System.out.println("wrote " + json);
        }
        return 0;
    }
}
