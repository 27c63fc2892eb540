package io.mssd.tools.cli;

import io.mssd.tools.launch.VectorModuleLauncher;

import java.util.OptionalInt;
import java.util.Set;

/** Entry point of {@code java -jar mssd.jar}: adds the Vector API module if needed, then runs the command. */
public final class Main {
    /** Commands that run no network: not worth a second JVM start. */
    private static final Set<String> NO_KERNELS = Set.of("score", "summary", "models", "help", "--help", "-h", "--version", "-V");

    private Main() {}

    public static void main(String[] args) {
        if (args.length > 0 && !NO_KERNELS.contains(args[0])) {
            OptionalInt code = VectorModuleLauncher.relaunchIfNeeded(Main.class, args);
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
}
