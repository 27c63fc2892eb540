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
        if (args.length > 0 && SHORT_RUNS.contains(args[0]) && System.getProperty("mssd.relaunched") == null) {
            List<String> options = shortRunOptions();
            if (!options.isEmpty()) {
                OptionalInt code = VectorModuleLauncher.relaunch(Main.class, args, options);
                if (code.isPresent()) System.exit(code.getAsInt());
            }
        }
        // score's files are read while picocli starts (ScoreInputs): that is 0.2 s of one core
        if (args.length > 0 && args[0].equals("score")) ScoreInputs.startEarly(args);
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

    /** The options a short run adds to this JVM's: none when the user chose the compilation mode, no collector when they chose one. */
    private static List<String> shortRunOptions() {
        boolean jitChosen = false, collectorChosen = false;
        for (String o : ManagementFactory.getRuntimeMXBean().getInputArguments()) { // one pass, no lambdas: start-up path
            jitChosen |= choosesCompilation(o);
            collectorChosen |= choosesCollector(o);
        }
        if (jitChosen) return List.of();
        return collectorChosen ? List.of("-XX:TieredStopAtLevel=1") : List.of("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC");
    }

    /** Whether a JVM option picks the compilation mode (then a short run keeps it). */
    static boolean choosesCompilation(String o) {
        return o.contains("TieredStopAtLevel") || o.contains("TieredCompilation") || o.startsWith("-Xint") || o.startsWith("-Xcomp");
    }

    /** Whether a JVM option picks the garbage collector. */
    static boolean choosesCollector(String o) {
        return o.startsWith("-XX:+Use") && o.endsWith("GC");
    }
}
