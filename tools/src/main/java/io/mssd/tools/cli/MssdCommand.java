package io.mssd.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The top-level {@code mssd} command: subcommands and uniform error handling (one line, exit code 2). */
@Command(name = "mssd", mixinStandardHelpOptions = true, version = "mssd 0.1.0",
        description = "MobileNet-SSD object detection in pure Java.",
        subcommands = {DetectCommand.class, VideoCommand.class, EvalCommand.class, ScoreCommand.class, ModelsCommand.class, SummaryCommand.class, BenchCommand.class, TrainCommand.class, ExportCommand.class, CommandLine.HelpCommand.class})
public final class MssdCommand implements Runnable {

    /** Exit code for bad input (arguments, files, models). */
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        return withErrorHandlers(new CommandLine(new MssdCommand()));
    }

    /** mssd's error contract on any command line: one line naming the problem, exit code 2; MSSD_DEBUG=1 adds the trace. */
    public static CommandLine withErrorHandlers(CommandLine cl) {
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + describe(ex));
            if (System.getenv("MSSD_DEBUG") != null) ex.printStackTrace(err);
            err.flush();
            return BAD_INPUT;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(ex.getCommandLine().getCommandSpec().qualifiedName() + ": error: " + ex.getMessage()
                    + " (see --help)");
            err.flush();
            return BAD_INPUT;
        });
        return cl;
    }

    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    static String describe(Throwable ex) {
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) msg = ex.getClass().getSimpleName();
        Throwable cause = ex.getCause();
        if (cause != null && cause.getMessage() != null && !msg.contains(cause.getMessage())) {
            msg += ": " + cause.getMessage();
        }
        // one line, whatever a library put in its message (Gson adds a help link on a line of its own)
        return String.join(" ", msg.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }
}
