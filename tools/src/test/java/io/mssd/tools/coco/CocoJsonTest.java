package io.mssd.tools.coco;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CocoJsonTest {
    static final String GT = "{\"images\":[{\"id\":1,\"width\":10,\"height\":10,\"file_name\":\"a.jpg\"}],"
            + "\"annotations\":[{\"id\":1,\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,5,5],\"area\":25,\"iscrowd\":0}],"
            + "\"categories\":[{\"id\":3,\"name\":\"car\"}]}";

    static String error(Path dir, String gt, String dt) throws Exception {
        Path g = dir.resolve("gt.json"), d = dir.resolve("dt.json");
        Files.writeString(g, gt);
        Files.writeString(d, dt);
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> new CocoEvaluator(CocoJson.readDataset(g),
                CocoJson.readResults(d), new CocoEvalParams(), 1, d.toString(), false).run());
        return e.getMessage();
    }

    @Test
    void malformedInputsNameFilePathAndProblem(@TempDir Path dir) throws Exception {
        String ok = "[{\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,5,5],\"score\":0.5}]";
        String m = error(dir, GT, "[{\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,5,5]}]");
        assertTrue(m.contains("dt.json") && m.contains("[0].score") && m.contains("missing"), m);
        m = error(dir, GT, "[{\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,5,5],\"score\":\"high\"}]");
        assertTrue(m.contains("[0].score") && m.contains("expected a number"), m);
        m = error(dir, GT, "[{\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,5,5],\"score\":NaN}]");
        assertTrue(m.contains("[0].score") && m.contains("finite"), m);
        m = error(dir, GT, "[{\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,-5,5],\"score\":0.5}]");
        assertTrue(m.contains("[0].bbox[2]") && m.contains("negative width"), m);
        m = error(dir, GT, "[{\"image_id\":7,\"category_id\":3,\"bbox\":[0,0,5,5],\"score\":0.5}]");
        assertTrue(m.contains("[0].image_id") && m.contains("7"), m);
        m = error(dir, GT, "[{\"image_id\":1,\"category_id\":4,\"bbox\":[0,0,5,5],\"score\":0.5}]");
        assertTrue(m.contains("[0].category_id") && m.contains("4"), m);
        m = error(dir, GT, "[{\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,5],\"score\":0.5}]");
        assertTrue(m.contains("[0].bbox") && m.contains("4 numbers"), m);
        m = error(dir, GT.replace("\"area\":25,", ""), ok);
        assertTrue(m.contains("gt.json") && m.contains("annotations[0].area") && m.contains("missing"), m);
        m = error(dir, GT.substring(0, 60), ok);
        assertTrue(m.contains("gt.json") && (m.contains("truncated") || m.contains("malformed")), m);
        m = error(dir, "[1,2]", ok);
        assertTrue(m.contains("gt.json") && m.contains("expected an object"), m);
    }

    @Test
    void optionalSectionsAndGzip(@TempDir Path dir) throws Exception {
        Path g = dir.resolve("gt.json.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(g))) {
            out.write(GT.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        CocoDataset d = CocoJson.readDataset(g);
        assertEquals(1, d.images().size());
        assertEquals(List.of(new CocoDataset.Category(3, "car")), d.categories());
    }
}
