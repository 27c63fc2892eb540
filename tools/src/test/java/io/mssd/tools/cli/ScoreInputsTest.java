package io.mssd.tools.cli;

import io.mssd.tools.coco.CocoDetection;
import io.mssd.tools.coco.CocoFormatException;
import io.mssd.tools.coco.CocoJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** score's early reads: taken only for the paths picocli gives the command, errors kept for it to report. */
class ScoreInputsTest {
    static final String GT = "{\"images\":[{\"id\":1,\"width\":10,\"height\":10}],\"annotations\":[{\"id\":1,\"image_id\":1,"
            + "\"category_id\":3,\"bbox\":[0,0,5,5],\"area\":25,\"iscrowd\":0}],\"categories\":[{\"id\":3,\"name\":\"car\"}]}";
    static final String DT = "[{\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,5,5],\"score\":0.5}]";

    @Test
    void earlyReadsAreTakenForTheSamePathsOnly(@TempDir Path dir) throws Exception {
        Path gt = Files.writeString(dir.resolve("gt.json"), GT), dt = Files.writeString(dir.resolve("dt.json"), DT);
        Path other = Files.writeString(dir.resolve("other.json"), DT.replace("0.5", "0.25"));

        ScoreInputs.startEarly(new String[] {"score", "--json", "--gt", gt.toString(), "--dt=" + dt, "--threads", "1"});
        ScoreInputs early = ScoreInputs.pending();
        assertNotNull(early, "--gt F and --dt=F start the reads");
        ScoreInputs taken = ScoreInputs.of(gt, dt);
        assertSame(early, taken);
        assertNull(ScoreInputs.pending(), "taken once");
        assertEquals(CocoJson.readDataset(gt), taken.dataset());
        assertEquals(CocoJson.readResults(dt), taken.results());

        ScoreInputs.startEarly(new String[] {"score", "--gt", gt.toString(), "--dt", dt.toString()});
        ScoreInputs unused = ScoreInputs.pending();
        ScoreInputs fresh = ScoreInputs.of(gt, other);
        assertNotSame(unused, fresh, "other paths: read again");
        List<CocoDetection> r = fresh.results();
        assertEquals(0.25, r.get(0).score());

        ScoreInputs.startEarly(new String[] {"score", "--gt", gt.toString()});
        assertNull(ScoreInputs.pending(), "no --dt: nothing early");
        ScoreInputs.startEarly(new String[] {"score", "--gt", gt.toString(), "--dt"});
        assertNull(ScoreInputs.pending(), "--dt without a value: nothing early");
    }

    @Test
    void aFailedEarlyReadIsReportedAsTheReaderReportsIt(@TempDir Path dir) throws Exception {
        Path gt = Files.writeString(dir.resolve("gt.json"), GT), missing = dir.resolve("missing.json");
        Path cut = Files.writeString(dir.resolve("cut.json"), DT.substring(0, 40));
        ScoreInputs.startEarly(new String[] {"score", "--gt", gt.toString(), "--dt", missing.toString()});
        ScoreInputs in = ScoreInputs.of(gt, missing);
        CocoFormatException e = assertThrows(CocoFormatException.class, in::results);
        assertTrue(e.getMessage().contains("missing.json") && e.getMessage().contains("file not found"), e.getMessage());
        assertEquals(CocoJson.readDataset(gt), in.dataset(), "the other file is still read");

        ScoreInputs.startEarly(new String[] {"score", "--gt", gt.toString(), "--dt", cut.toString()});
        String early = assertThrows(CocoFormatException.class, () -> ScoreInputs.of(gt, cut).results()).getMessage();
        String direct = assertThrows(CocoFormatException.class, () -> CocoJson.readResults(cut)).getMessage();
        assertEquals(direct, early);
    }
}
