package io.mssd.tools.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {

    @Test
    void lineShowsCountPercentRateAndEta() {
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 300, "frames");
        String line = bar.line(120, 10);
        assertTrue(line.startsWith("[############..................] 120/300 frames  40%  12.0 frames/s  ETA 0:15"), line);
        assertEquals("1:01:05", ProgressBar.clock(3665));
        assertTrue(new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 0, "images").line(7, 2)
                .startsWith("7 images  3.5 images/s"));
    }

    @Test
    void finishedRunEndsWithOneFullLineInALog() {
        // tests run without a console: the plain, line-per-update mode
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), 10, "frames");
        for (int i = 1; i <= 10; i++) bar.update(i);
        bar.finish(10);
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        long full = java.util.Arrays.stream(lines).filter(l -> l.contains("10/10")).count();
        assertEquals(1, full, "the 100% line once: " + String.join(" | ", lines));
    }
}
