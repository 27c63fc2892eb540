package io.mssd.tools.cli;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `mssd video` on broken files: one error line and exit code 2; a cut-off file keeps the frames before the cut. */
class VideoInputRobustnessTest {

    /** 60 frames of a moving square, mp4 with its index first (faststart), so that a cut-off copy still opens. */
    static Path clip(Path dir) throws Exception {
        Path f = dir.resolve("clip.mp4");
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(f.toFile(), 160, 120, 0); Java2DFrameConverter conv = new Java2DFrameConverter()) {
            r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            r.setFrameRate(25);
            r.setVideoBitrate(400_000);
            r.setOption("movflags", "faststart");
            r.start();
            for (int i = 0; i < 60; i++) {
                BufferedImage img = new BufferedImage(160, 120, BufferedImage.TYPE_3BYTE_BGR);
                Graphics2D g = img.createGraphics();
                g.setColor(new Color(40, 90, 160));
                g.fillRect(0, 0, 160, 120);
                g.setColor(Color.WHITE);
                g.fillRect(10 + i, 30, 40, 50);
                g.dispose();
                Frame fr = conv.convert(img);
                r.record(fr);
            }
            r.stop();
        }
        return f;
    }

    static void oneErrorLine(CliTest.Run r, String what) {
        assertEquals(2, r.code(), what + ": " + r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> !l.contains("frames [")).count(), what + " one line: " + r.err());
        assertTrue(r.err().contains("mssd video: error: "), r.err());
    }

    @Test
    void aCutOffVideoKeepsTheFramesBeforeTheCutAndFails(@TempDir Path dir) throws Exception {
        Path whole = clip(dir);
        CliTest.Run ok = CliTest.run("video", whole.toString(), "--json", dir.resolve("whole.jsonl").toString(), "--threads", "1");
        assertEquals(0, ok.code(), ok.err());
        assertEquals(60, Files.readAllLines(dir.resolve("whole.jsonl")).size());

        byte[] b = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.mp4");
        Files.write(cut, java.util.Arrays.copyOf(b, b.length * 6 / 10));
        Path json = dir.resolve("cut.jsonl"), out = dir.resolve("cut-out.mp4");
        CliTest.Run r = CliTest.run("video", cut.toString(), "--json", json.toString(), "-o", out.toString(), "--threads", "1");
        oneErrorLine(r, "cut off");
        assertTrue(r.err().contains("stopped early") && r.err().contains("of the 60 its container declares"), r.err());
        long lines = Files.readAllLines(json).size();
        assertTrue(lines > 10 && lines < 60, lines + " frames written");
        assertTrue(r.err().contains("the " + lines + " frames before it were processed and written"), r.err());
        assertTrue(Files.size(out) > 0);
        // the frames before the cut are the same frames as in the whole file
        assertEquals(Files.readAllLines(dir.resolve("whole.jsonl")).subList(0, (int) lines), Files.readAllLines(json));
    }

    @Test
    void garbageAndFilesWithoutTheirIndexAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path noise = dir.resolve("noise.mp4");
        byte[] rnd = new byte[50_000];
        new java.util.Random(1).nextBytes(rnd);
        Files.write(noise, rnd);
        oneErrorLine(CliTest.run("video", noise.toString(), "--json", dir.resolve("n.jsonl").toString()), "noise");
        assertTrue(!Files.exists(dir.resolve("n.jsonl")), "no output from an unreadable input");
        // the demo clip keeps its index at the end: cut off, it cannot be opened at all
        byte[] demo;
        try (var in = getClass().getResourceAsStream("/io/mssd/tools/demo/vtest-people.mp4")) {
            demo = in.readAllBytes();
        }
        Path cut = dir.resolve("demo-cut.mp4");
        Files.write(cut, java.util.Arrays.copyOf(demo, demo.length / 2));
        CliTest.Run r = CliTest.run("video", cut.toString(), "--json", dir.resolve("d.jsonl").toString());
        oneErrorLine(r, "index at the end");
        assertTrue(r.err().contains("cannot open the video") && r.err().contains("cut off"), r.err());
    }
}
