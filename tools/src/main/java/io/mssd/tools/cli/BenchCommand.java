package io.mssd.tools.cli;

import io.mssd.core.kernels.GemmKernel;
import io.mssd.tools.bench.GemmBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code mssd bench}: speed, always as a ratio against a peer measured in the same process. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks, each against a peer measured in the same run.",
        subcommands = {BenchCommand.Gemm.class})
public final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "GFLOP/s of the engine's GEMM vs EJML and OpenCV gemm on the MobileNet-SSD 1x1 shapes.")
    static final class Gemm implements Callable<Integer> {
        @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts (default 1,2).")
        int[] threads;

        @Option(names = "--seconds", defaultValue = "1.0", description = "Measuring time per case (default 1.0).")
        double seconds;

        @Override
        public Integer call() {
            System.out.println("engine kernel: " + GemmKernel.fastest().name());
            GemmBenchmark b = new GemmBenchmark(seconds);
            System.out.print(GemmBenchmark.table(b.run(threads, System.err)));
            return 0;
        }
    }
}
