package io.mssd.tools.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java ... Main score}: the command runs in a JVM with C1 and the parallel collector unless the user chose. */
class MainLauncherTest {

    record Run(int code, String out, String err) {}

    static Run java(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
        return new Run(p.waitFor(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void scoreRunsWithC1AndTheParallelCollectorUnlessTheUserChose() throws Exception {
        String gt = Path.of(getClass().getResource("/coco-eval/small_gt.json").toURI()).toString();
        String dt = Path.of(getClass().getResource("/coco-eval/small_dt.json").toURI()).toString();
        Run chosen = java(List.of(), "score", "--gt", gt, "--dt", dt, "--json", "--timing");
        assertEquals(0, chosen.code(), chosen.err());
        assertTrue(chosen.err().contains("(-XX:TieredStopAtLevel=1 -XX:+UseParallelGC)"), chosen.err());
        Run own = java(List.of("-XX:TieredStopAtLevel=4", "-XX:+UseSerialGC"), "score", "--gt", gt, "--dt", dt, "--json", "--timing");
        assertEquals(0, own.code(), own.err());
        assertTrue(own.err().contains("(-XX:TieredStopAtLevel=4 -XX:+UseSerialGC)"), own.err());
        assertFalse(own.err().contains("TieredStopAtLevel=1"), own.err());
        assertEquals(own.out(), chosen.out()); // the same stats either way
        assertTrue(chosen.out().startsWith("{\"AP\":"), chosen.out());
        // bad input: one line and exit code 2 through the second JVM too
        Run bad = java(List.of(), "score", "--gt", gt, "--dt", gt);
        assertEquals(2, bad.code(), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
    }
}
