package io.mssd.tools.video;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.tools.image.MatImages;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoDetectionPipelineTest {
    static Detector detector;
    static Path clip;

    @BeforeAll
    static void setUp() throws IOException {
        detector = Detector.load(ModelZoo.FACE, 2);
        clip = DemoClip.FACES.extract();
    }

    @AfterAll
    static void tearDown() {
        detector.close();
    }

    static int frames(Path video, int[] size) throws Exception {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile())) {
            g.start();
            size[0] = g.getImageWidth();
            size[1] = g.getImageHeight();
            int n = 0;
            while (g.grabImage() != null) n++;
            return n;
        }
    }

    @Test
    void pipelineOutputMatchesInputAndSingleFrameDetection(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.mp4"), json = dir.resolve("out.jsonl");
        DetectorOptions opt = detector.defaultOptions();
        VideoDetectionPipeline.Summary s = new VideoDetectionPipeline(detector)
                .run(new VideoDetectionPipeline.Settings(clip.toString(), out, json, 2, 24, 1, opt), null);
        assertEquals(24, s.frames());
        assertEquals(12, s.processed());
        int[] size = new int[2];
        assertEquals(24, frames(out, size), "frames in the output video");
        assertEquals(720, size[0]);
        assertEquals(528, size[1]);
        List<String> lines = Files.readAllLines(json);
        assertEquals(12, lines.size(), "one JSON line per processed frame (every 2nd of 24)");
        JsonObject chosen = null;
        for (String line : lines) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            assertEquals(0, o.get("frame").getAsInt() % 2);
            if (o.get("frame").getAsInt() == 10) chosen = o;
        }
        assertTrue(chosen != null && chosen.getAsJsonArray("detections").size() > 0, "frame 10 has detections");
        // frame 10 decoded on its own, through the public API
        List<Detection> direct;
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(clip.toFile()); OpenCVFrameConverter.ToMat c = new OpenCVFrameConverter.ToMat()) {
            g.start();
            Frame f = null;
            for (int i = 0; i <= 10; i++) f = g.grabImage();
            direct = detector.detect(MatImages.toRgb(c.convert(f)), opt);
        }
        assertEquals(direct.size(), chosen.getAsJsonArray("detections").size());
        for (int i = 0; i < direct.size(); i++) {
            JsonObject d = chosen.getAsJsonArray("detections").get(i).getAsJsonObject();
            assertEquals(direct.get(i).label(), d.get("label").getAsString());
            assertEquals(direct.get(i).score(), d.get("score").getAsDouble(), 1e-5);
            assertEquals(direct.get(i).box().x1(), d.getAsJsonArray("box").get(0).getAsDouble(), 0.01);
            assertEquals(direct.get(i).box().y2(), d.getAsJsonArray("box").get(3).getAsDouble(), 0.01);
        }
    }

    @Test
    void framesInFlightGiveTheSameDetectionsTracksAndCountsInFrameOrder(@TempDir Path dir) throws Exception {
        // the people clip with tracking and a count line, the detector on every 2nd frame: several frames
        // detected at once must reach the tracker in order, skipped frames keeping the latest result
        Path people = DemoClip.PEOPLE.extract();
        try (Detector coco = Detector.load(ModelZoo.DEFAULT, 1)) {
            DetectorOptions opt = coco.defaultOptions().withMinScore(0.1f).withMaxResults(100);
            VideoDetectionPipeline.Tracking tracking = new VideoDetectionPipeline.Tracking(
                    io.mssd.ssd.track.ByteTrackerOptions.DEFAULTS, List.of(new double[]{384, 140, 384, 576}));
            List<String> expected = null;
            for (int inFlight : new int[]{1, 3}) {
                Path json = dir.resolve("in-flight-" + inFlight + ".jsonl");
                VideoDetectionPipeline.Summary s = new VideoDetectionPipeline(coco, inFlight).run(
                        new VideoDetectionPipeline.Settings(people.toString(), dir.resolve(inFlight + ".mp4"), json, 2, 80, 1,
                                opt, null, tracking), null);
                assertEquals(80, s.frames());
                assertEquals(40, s.processed());
                List<String> lines = Files.readAllLines(json);
                for (int i = 0; i < lines.size(); i++) {
                    assertEquals(2 * i, JsonParser.parseString(lines.get(i)).getAsJsonObject().get("frame").getAsInt(), "line " + i);
                }
                if (expected == null) {
                    expected = lines;
                    assertTrue(lines.stream().anyMatch(l -> l.contains("\"tracks\":[{")), "tracks in the output");
                } else {
                    assertEquals(expected, lines, inFlight + " frames in flight");
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new VideoDetectionPipeline(detector, 0));
    }

    @Test
    void badInputsFailCleanlyAndLeaveNoOutput(@TempDir Path dir) throws Exception {
        DetectorOptions opt = detector.defaultOptions();
        Path out = dir.resolve("x.mp4");
        Path corrupt = dir.resolve("corrupt.avi");
        Files.write(corrupt, new byte[] {'R', 'I', 'F', 'F', 1, 2, 3, 4, 5, 6, 7, 8, 9});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VideoDetectionPipeline(detector)
                .run(new VideoDetectionPipeline.Settings(corrupt.toString(), out, null, 1, 0, 1, opt), null));
        assertTrue(e.getMessage().contains("corrupt.avi") && e.getMessage().contains("cannot open"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new VideoDetectionPipeline(detector)
                .run(new VideoDetectionPipeline.Settings(dir.resolve("missing.mp4").toString(), out, null, 1, 0, 1, opt), null));
        assertTrue(e.getMessage().contains("no such video file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new VideoDetectionPipeline(detector)
                .run(new VideoDetectionPipeline.Settings(clip.toString(), dir.resolve("no/such/dir/x.mp4"), null, 1, 0, 1, opt), null));
        assertTrue(e.getMessage().contains("output folder does not exist"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new VideoDetectionPipeline(detector)
                .run(new VideoDetectionPipeline.Settings("camera:97", out, null, 1, 0, 1, opt), null));
        assertTrue(e.getMessage().contains("camera:97"), e.getMessage());
        // a truncated file: opens, then fails or ends early; never a half-written output presented as done
        Path truncated = dir.resolve("truncated.avi");
        byte[] all = Files.readAllBytes(clip);
        Files.write(truncated, java.util.Arrays.copyOf(all, 4096));
        try {
            new VideoDetectionPipeline(detector).run(new VideoDetectionPipeline.Settings(truncated.toString(), out, null, 1, 0, 1, opt), null);
        } catch (IllegalArgumentException expected) {
            assertFalse(Files.exists(out), "no output after a failed run");
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".partial")), "temporary files removed");
        }
    }
}
