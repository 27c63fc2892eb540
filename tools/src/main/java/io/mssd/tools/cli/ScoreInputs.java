package io.mssd.tools.cli;

import io.mssd.tools.coco.CocoDataset;
import io.mssd.tools.coco.CocoDetection;
import io.mssd.tools.coco.CocoJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The ground truth and results files of {@code mssd score}, each read on a thread of its own. {@link Main}
 * starts them from the raw command line, before picocli has parsed it: picocli's start-up is 0.2 s of
 * one core, while reading the two files of the 5,000-image fixture is 0.6 s of CPU that can run beside it.
 * The command then takes those reads only if picocli gave it the same two paths; otherwise (or without
 * an early start) it reads the files itself. A read that fails keeps its exception for the command to
 * report; one that is never taken is simply dropped with the JVM.
 */
final class ScoreInputs {
    private static volatile ScoreInputs early;

    private final Path gtFile, dtFile;
    /** System.nanoTime() when the reads began. */
    final long startedNanos = System.nanoTime();
    private final CompletableFuture<CocoDataset> dataset;
    private final CompletableFuture<List<CocoDetection>> results;

    private ScoreInputs(Path gtFile, Path dtFile) {
        this.gtFile = gtFile;
        this.dtFile = dtFile;
        results = read(() -> CocoJson.readResults(dtFile), "mssd-read-results");
        dataset = read(() -> CocoJson.readDataset(gtFile), "mssd-read-ground-truth");
    }

    /**
     * Starts reading the files named by {@code --gt} and {@code --dt} in a score command line, as far as
     * the raw words show them (the last of each, in the forms {@code --gt F} and {@code --gt=F}); nothing
     * when either is missing or not a path.
     */
    static void startEarly(String[] args) {
        String gt = null, dt = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--gt=")) gt = a.substring(5);
            else if (a.startsWith("--dt=")) dt = a.substring(5);
            else if (i + 1 < args.length && a.equals("--gt")) gt = args[++i];
            else if (i + 1 < args.length && a.equals("--dt")) dt = args[++i];
        }
        if (gt == null || dt == null) return;
        try {
            early = new ScoreInputs(Path.of(gt), Path.of(dt));
        } catch (RuntimeException e) {
            // not a path here: picocli will say so, and the command reads nothing early
        }
    }

    /** The early reads not yet taken by a command, if any (for tests). */
    static ScoreInputs pending() {
        return early;
    }

    /** The reads of these two files: the early ones when they were of the same paths, else started now. */
    static ScoreInputs of(Path gtFile, Path dtFile) {
        ScoreInputs e = early;
        early = null;
        return e != null && e.gtFile.equals(gtFile) && e.dtFile.equals(dtFile) ? e : new ScoreInputs(gtFile, dtFile);
    }

    CocoDataset dataset() throws IOException {
        return join(dataset);
    }

    List<CocoDetection> results() throws IOException {
        return join(results);
    }

    private interface Read<T> {
        T get() throws IOException;
    }

    private static <T> CompletableFuture<T> read(Read<T> r, String name) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(r.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The read's value, or its own exception (a CocoFormatException, an IOException, an OutOfMemoryError). */
    private static <T> T join(CompletableFuture<T> f) throws IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            if (cause instanceof UncheckedIOException u) throw u.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw e;
        }
    }
}
