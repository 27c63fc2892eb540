package io.mssd.tools.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Heap in use and resident set size (native memory included), for soak runs. */
public record ProcessMemory(long heapUsedBytes, long rssBytes) {

    public static ProcessMemory now() {
        Runtime rt = Runtime.getRuntime();
        return new ProcessMemory(rt.totalMemory() - rt.freeMemory(), rss());
    }

    /** VmRSS from /proc/self/status; -1 where that file does not exist. */
    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux
        }
        return -1;
    }
}
