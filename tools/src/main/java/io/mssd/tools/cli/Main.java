package io.mssd.tools.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of {@code java -jar mssd.jar}. The engine's fast kernels need the incubating module
 * jdk.incubator.vector, which a jar manifest cannot add; so when it is missing, Main starts the
 * same command again in a JVM with {@code --add-modules jdk.incubator.vector} (set
 * MSSD_VECTOR=false to run the portable kernels in-process instead).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (needsRelaunch(args)) {
            System.exit(relaunch(args));
        }
        System.exit(MssdCommand.execute(args));
    }

    /** Passes the child's stderr through, minus the JVM's notice about the incubator module we asked for. */
    private static void copyStderr(Process p) {
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream()))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("WARNING: Using incubator modules")) {
                    System.err.println(line);
                }
            }
        } catch (java.io.IOException ignored) {
            // child gone
        }
    }

    /** Commands that run no network: not worth a second JVM start. */
    private static final java.util.Set<String> NO_KERNELS = java.util.Set.of("score", "summary", "models", "help",
            "--help", "-h", "--version", "-V");

    private static boolean needsRelaunch(String[] args) {
        if (args.length == 0 || NO_KERNELS.contains(args[0])) return false;
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()
                && System.getProperty("mssd.relaunched") == null
                && !"false".equalsIgnoreCase(System.getProperty("mssd.vector"))
                && !"false".equalsIgnoreCase(System.getenv("MSSD_VECTOR"));
    }

    private static int relaunch(String[] args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("--add-modules=jdk.incubator.vector");
        cmd.add("-Dmssd.relaunched=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().redirectError(ProcessBuilder.Redirect.PIPE).start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
            Thread err = new Thread(() -> copyStderr(p), "mssd-stderr");
            err.start();
            int code = p.waitFor();
            err.join();
            return code;
        } catch (Exception e) {
            // cannot start a second JVM: run here on the portable kernels
            System.setProperty("mssd.vector", "false");
            return MssdCommand.execute(args);
        }
    }
}
