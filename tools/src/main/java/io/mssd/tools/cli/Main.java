package io.mssd.tools.cli;

import io.mssd.tools.launch.VectorModuleLauncher;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/** Entry point of {@code java -jar mssd.jar}: adds the Vector API module if needed, then runs the command. */
public final class Main {
    /** Commands that run no network: not worth a second JVM start. */
    private static final Set<String> NO_KERNELS = Set.of("score", "summary", "models", "help", "--help", "-h", "--version", "-V");

    /**
     * Commands whose whole run is a second or two of their own code (no network), where C2's compilations
     * cost more CPU than they save on a few cores: mssd score on the 5,000-image fixture takes 3.4 s of
     * CPU with tiered compilation and 2.0 s with C1 alone (wall 2.0 -> 1.5 s with this second JVM start
     * included; on 4x the results, 1.9 M, still 4.3-4.8 -> 3.6-4.0 s). They run in a JVM with C1 only,
     * unless the user chose a compilation mode, and with the throughput collector unless the user chose
     * one (G1's barriers cost score's load 0.6 s against 0.4).
     */
    private static final Set<String> SHORT_RUNS = Set.of("score");

    private Main() {}

    public static void main(String[] args) {
        if (args.length > 0 && !NO_KERNELS.contains(args[0])) {
            OptionalInt code = VectorModuleLauncher.relaunchIfNeeded(Main.class, args);
            if (code.isPresent()) System.exit(code.getAsInt());
        }
        if (args.length > 0 && SHORT_RUNS.contains(args[0]) && System.getProperty("mssd.relaunched") == null
                && !chosen("TieredStopAtLevel", "TieredCompilation", "-Xint", "-Xcomp")) {
            List<String> options = collectorChosen() ? List.of("-XX:TieredStopAtLevel=1")
                    : List.of("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC");
            OptionalInt code = VectorModuleLauncher.relaunch(Main.class, args, options);
            if (code.isPresent()) System.exit(code.getAsInt());
        }
        int code;
        try {
            code = MssdCommand.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli hands exceptions to the command's handler; errors of the JVM itself arrive here: still one line
            System.err.println("mssd: error: " + (e instanceof OutOfMemoryError ? "out of memory (" + e.getMessage()
                    + "); run java with a larger -Xmx" : "the input is nested too deeply (stack overflow)"));
            if (System.getenv("MSSD_DEBUG") != null) e.printStackTrace();
            code = 2;
        }
        System.exit(code);
    }

    /** Whether the JVM was started with an option containing one of these words. */
    private static boolean chosen(String... words) {
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            for (String w : words) if (a.contains(w)) return true;
        }
        return false;
    }

    /** Whether the JVM was started with -XX:+Use...GC. */
    private static boolean collectorChosen() {
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-XX:+Use") && a.endsWith("GC")) return true;
        }
        return false;
    }
}
