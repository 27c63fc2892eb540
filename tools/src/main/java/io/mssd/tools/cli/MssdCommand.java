package io.mssd.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** The top-level {@code mssd} command: subcommands and uniform error handling (one line, exit code 2). */
@Command(name = "mssd", mixinStandardHelpOptions = true, version = "mssd 0.1.0",
        description = "MobileNet-SSD object detection in pure Java.")
public final class MssdCommand implements Runnable {

    /** Exit code for bad input (arguments, files, models). */
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The subcommands by name, in the order help lists them (each name is its class's {@code @Command} name). */
    static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();
    static {
        SUBCOMMANDS.put("detect", DetectCommand.class);
        SUBCOMMANDS.put("video", VideoCommand.class);
        SUBCOMMANDS.put("eval", EvalCommand.class);
        SUBCOMMANDS.put("score", ScoreCommand.class);
        SUBCOMMANDS.put("models", ModelsCommand.class);
        SUBCOMMANDS.put("summary", SummaryCommand.class);
        SUBCOMMANDS.put("bench", BenchCommand.class);
        SUBCOMMANDS.put("train", TrainCommand.class);
        SUBCOMMANDS.put("export", ExportCommand.class);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand.class);
    }

    /** The whole command tree. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command tree for a command line whose first word is {@code first}: only that subcommand when
     * it names one (picocli reflects over every option of every subcommand it is given, 0.1-0.15 s of
     * start-up for the lot), else all of them (help, usage, unknown-command errors list them).
     */
    static CommandLine commandLine(String first) {
        CommandLine cl = new CommandLine(new MssdCommand());
        Class<?> only = first == null || "help".equals(first) ? null : SUBCOMMANDS.get(first);
        if (only != null) {
            cl.addSubcommand(first, only);
        } else {
            SUBCOMMANDS.forEach(cl::addSubcommand);
        }
        return withErrorHandlers(cl);
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
        return commandLine(args.length > 0 ? args[0] : null).execute(args);
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
