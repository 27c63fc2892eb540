package io.mssd.tools.launch;

import io.mssd.core.kernels.VectorSupport;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The engine's fast kernels need the incubating module jdk.incubator.vector, which a jar manifest
 * cannot add. A program started with `java -jar` calls {@link #relaunchIfNeeded}: when the module is
 * missing it starts the same main class again in a JVM with --add-modules jdk.incubator.vector and
 * returns that process's exit code. MSSD_VECTOR=false (or -Dmssd.vector=false) runs the portable
 * kernels in-process instead.
 */
public final class VectorModuleLauncher {
    private VectorModuleLauncher() {}

    public static boolean moduleMissing() {
        return !VectorSupport.modulePresent()
                && System.getProperty("mssd.relaunched") == null
                && !"false".equalsIgnoreCase(System.getProperty("mssd.vector"))
                && !"false".equalsIgnoreCase(System.getenv("MSSD_VECTOR"));
    }

    /** The relaunched JVM's exit code, or empty when this JVM should carry on itself. */
    public static OptionalInt relaunchIfNeeded(Class<?> mainClass, String[] args) {
        if (!moduleMissing()) return OptionalInt.empty();
        OptionalInt code = relaunch(mainClass, args, List.of("--add-modules=jdk.incubator.vector"));
        // cannot start a second JVM: run here on the portable kernels
        if (code.isEmpty()) System.setProperty("mssd.vector", "false");
        return code;
    }

    /**
     * Starts {@code mainClass} again in a JVM given this one's options plus {@code jvmOptions} and
     * -Dmssd.relaunched=true (which a relaunched program can test); its exit code, or empty when no
     * second JVM could start.
     */
    public static OptionalInt relaunch(Class<?> mainClass, String[] args, List<String> jvmOptions) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(jvmOptions);
        cmd.add("-Dmssd.relaunched=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().redirectError(ProcessBuilder.Redirect.PIPE).start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
            Thread err = new Thread(() -> copyStderr(p), "mssd-stderr");
            err.start();
            int code = p.waitFor();
            err.join();
            return OptionalInt.of(code);
        } catch (Exception e) {
            return OptionalInt.empty();
        }
    }

    /** Passes the child's stderr through, minus the JVM's notice about the incubator module we asked for. */
    private static void copyStderr(Process p) {
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream()))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("WARNING: Using incubator modules")) System.err.println(line);
            }
        } catch (java.io.IOException ignored) {
            // child gone
        }
    }
}
