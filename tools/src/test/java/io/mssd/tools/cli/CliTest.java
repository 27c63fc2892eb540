package io.mssd.tools.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Commands end to end through picocli: output and exit codes. */
class CliTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter err = new StringWriter();
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            var cl = MssdCommand.commandLine(args.length > 0 ? args[0] : null); // as Main builds it
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void eachSubcommandIsRegisteredUnderItsOwnNameAndHelpListsThemAll() {
        MssdCommand.SUBCOMMANDS.forEach((name, cls) ->
                assertEquals(name, new picocli.CommandLine(cls).getCommandName(), cls.getName()));
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String name : MssdCommand.SUBCOMMANDS.keySet()) assertTrue(r.out().contains("\n  " + name + " "), name + " in " + r.out());
        r = run("scroe", "--gt", "a.json");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("mssd: error: Unmatched arguments") && r.err().contains("'scroe'"), r.err());
        r = run("help", "score");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--dt"), r.out());
    }

    @Test
    void summaryMatchesThePaper() {
        Run r = run("summary", "--alpha", "1", "--resolution", "224", "--json");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("\"params\": 4210088"), r.out());
        assertTrue(r.out().contains("\"mult_adds\": 568740352"), r.out());
        r = run("summary", "--alpha", "0.5");
        assertTrue(r.out().contains("mult-adds: 149,497,088") && r.out().contains("1x1 convolutions: 9"), r.out());
    }

    @Test
    void badArgumentsGiveOneLineAndExitCode2() {
        for (String[] args : new String[][] {
                {"summary", "--alpha", "0"}, {"summary", "--alpha", "-0.5"}, {"summary", "--alpha", "1.5"},
                {"summary", "--resolution", "16"}, {"summary", "--arch", "resnet"}, {"summary", "--alpha", "x"},
                {"detect", "--image", "/no/such.png"}, {"detect"}, {"detect", "--image", "x.png", "--model", "nope"},
                {"video", "/no/such/clip.mp4", "-o", "/tmp/x.mp4"}, {"video", "--demo", "-o", "/no/such/dir/out.mp4"},
                {"video", "camera:93", "--json", "/tmp/x.jsonl"}, {"video", "clip.mp4"},
                {"score", "--gt", "/no/gt.json", "--dt", "/no/dt.json"}, {"detect", "--image", "x.png", "--model", "tflite:/no/m.tflite"},
                {"detect", "--image", "x.png", "--model", "caffe:/no/a.prototxt"}}) {
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().contains("error"), r.err());
        }
    }

    @Test
    void benchRefusesAnOpenCvComparisonItCannotMakeBeforeTimingAnything() {
        // the image does not exist either: the --vs-opencv check comes before reading it and loading the model
        Run r = run("bench", "--model", "tflite:/no/m.tflite", "--vs-opencv", "--image", "/no/such.png");
        assertEquals(2, r.code(), r.err());
        assertEquals("mssd bench: error: --vs-opencv needs a caffe:DEPLOY.prototxt,WEIGHTS.caffemodel or onnx:FILE model",
                r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void detectJsonAndAnnotatedImage(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("in.png");
        try (var in = CliTest.class.getResourceAsStream("/Megamind_f120.png")) {
            Files.copy(in, img);
        }
        Path out = dir.resolve("annotated.png");
        Run r = run("detect", "--image", img.toString(), "--model", "face-ssd-mobilenetv1", "--json", "--out", out.toString(),
                "--min-score", "0.3");
        assertEquals(0, r.code(), r.err());
        var json = com.google.gson.JsonParser.parseString(r.out().strip()).getAsJsonObject();
        assertEquals(720, json.get("width").getAsInt());
        assertEquals(528, json.get("height").getAsInt());
        var dets = json.getAsJsonArray("detections");
        assertTrue(dets.size() >= 1);
        var first = dets.get(0).getAsJsonObject();
        assertEquals("face", first.get("label").getAsString());
        assertEquals(4, first.getAsJsonArray("box").size());
        assertTrue(Files.size(out) > 10_000, "annotated image written");
        // corrupt image: clear error naming the file
        Path bad = dir.resolve("bad.png");
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0});
        Run e = run("detect", "--image", bad.toString());
        assertEquals(2, e.code());
        assertTrue(e.err().contains("bad.png") && e.err().contains("cannot decode"), e.err());
    }

    /** No --model: the embedded COCO detector; --only keeps the named labels and rejects unknown ones with the list. */
    @Test
    void theDefaultModelIsTheCocoDetectorAndOnlyFilters(@TempDir Path dir) throws Exception {
        Path img = Path.of(CliTest.class.getResource("/train-grad/000000010764.jpg").toURI());
        Run r = run("detect", "--image", img.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        var dets = com.google.gson.JsonParser.parseString(r.out().strip()).getAsJsonObject().getAsJsonArray("detections");
        assertTrue(dets.size() >= 2, r.out());
        assertEquals("person", dets.get(0).getAsJsonObject().get("label").getAsString());
        boolean other = false;
        for (var d : dets) other |= !d.getAsJsonObject().get("label").getAsString().equals("person");
        assertTrue(other, "this photo has a non-person detection too: " + r.out());
        r = run("detect", "--image", img.toString(), "--json", "--only", "person");
        for (var d : com.google.gson.JsonParser.parseString(r.out().strip()).getAsJsonObject().getAsJsonArray("detections")) {
            assertEquals("person", d.getAsJsonObject().get("label").getAsString());
        }
        r = run("detect", "--image", img.toString(), "--only", "persons");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'persons'") && r.err().contains("toothbrush"), r.err());
    }
}
