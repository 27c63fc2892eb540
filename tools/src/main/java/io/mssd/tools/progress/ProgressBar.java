package io.mssd.tools.progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line terminal progress bar with rate and ETA, redrawn at most every 200 ms
 * ("[#####.....] 120/300 40% 12.3 fps ETA 0:15"). With an unknown total it shows count and rate.
 */
public final class ProgressBar {
    private final PrintStream out;
    private final String unit;
    private final long start = System.nanoTime();
    private long total;
    private long lastDraw;
    private boolean drawn;
    private long lastPrinted = -1;
    private volatile String status = "";
    /** Not a terminal (a log file, CI): a plain line every few seconds instead of redrawing one line. */
    private final boolean plain = System.console() == null;

    public ProgressBar(PrintStream out, long total, String unit) {
        this.out = out;
        this.total = total;
        this.unit = unit;
    }

    /** Text shown after the rate and ETA (e.g. the current loss). */
    public void status(String s) {
        this.status = s == null ? "" : s;
    }

    public void total(long total) {
        this.total = total;
    }

    public void update(long done) {
        long now = System.nanoTime();
        long every = plain ? 3_000_000_000L : 200_000_000L;
        if (lastDraw != 0 && now - lastDraw < every && (total <= 0 || done < total)) return;
        lastDraw = now;
        if (plain) {
            out.println(line(done, (now - start) / 1e9));
            lastPrinted = done;
            return;
        }
        out.print("\r" + line(done, (now - start) / 1e9) + "   ");
        out.flush();
        drawn = true;
    }

    public void finish(long done) {
        if (plain) {
            if (done != lastPrinted) out.println(line(done, (System.nanoTime() - start) / 1e9));
            return;
        }
        lastDraw = 0;
        update(done);
        if (drawn) out.println();
    }

    String line(long done, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        if (total <= 0) return String.format(Locale.ROOT, "%d %s  %.1f %s/s", done, unit, rate, unit);
        int width = 30;
        int filled = (int) Math.min(width, width * done / Math.max(1, total));
        String eta = rate > 0 ? clock((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "[%s%s] %d/%d %s %3d%%  %.1f %s/s  ETA %s", "#".repeat(filled),
                ".".repeat(width - filled), done, total, unit, 100 * done / Math.max(1, total), rate, unit, eta)
                + (status.isEmpty() ? "" : "  " + status);
    }

    static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
