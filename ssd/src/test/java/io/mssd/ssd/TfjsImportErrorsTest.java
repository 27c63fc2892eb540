package io.mssd.ssd;

import io.mssd.core.io.ModelFormatException;
import io.mssd.ssd.model.ModelZoo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Corrupt TF.js model files fail with an error that names the file and the tensor. */
class TfjsImportErrorsTest {
    static final String DIR = "/io/mssd/ssd/models/face-ssd-mobilenetv1/";
    static final String MANIFEST = "ssd_mobilenetv1_model-weights_manifest.json", BIN = "ssd_mobilenetv1_model.bin";

    static byte[] resource(String name) throws IOException {
        try (InputStream in = TfjsImportErrorsTest.class.getResourceAsStream(DIR + name)) {
            return in.readAllBytes();
        }
    }

    static Path write(Path dir, String manifest, byte[] bin) throws IOException {
        Files.writeString(dir.resolve(MANIFEST), manifest);
        if (bin != null) Files.write(dir.resolve(BIN), bin);
        return dir.resolve(MANIFEST);
    }

    static String error(Path manifest) {
        return assertThrows(ModelFormatException.class, () -> ModelZoo.load(manifest.toString())).getMessage();
    }

    @Test
    void theUntouchedCopyLoadsFromAPath(@TempDir Path dir) throws IOException {
        Path m = write(dir, new String(resource(MANIFEST)), resource(BIN));
        assertEquals(5118, ModelZoo.load(m.toString()).anchorCount());
    }

    @Test
    void truncatedWeights(@TempDir Path dir) throws IOException {
        byte[] bin = resource(BIN);
        String msg = error(write(dir, new String(resource(MANIFEST)), Arrays.copyOf(bin, bin.length - 1000)));
        assertTrue(msg.contains(MANIFEST) && msg.contains("Output/extra_dim") && msg.contains("truncated"), msg);
    }

    @Test
    void missingShard(@TempDir Path dir) throws IOException {
        String msg = error(write(dir, new String(resource(MANIFEST)), null));
        assertTrue(msg.contains(BIN) && msg.contains("missing"), msg);
    }

    @Test
    void wrongShapeInTheManifest(@TempDir Path dir) throws IOException {
        String compact = new String(resource(MANIFEST)).replaceAll("\\s+", "");
        String pattern = "\"shape\":\\[1,1,32,64\\](,\"quantization\":\\{[^}]*\\},\"name\":\"MobilenetV1/Conv2d_1_pointwise/weights\")";
        String changed = compact.replaceFirst(pattern, "\"shape\":[1,1,64,32]$1");
        assertTrue(!changed.equals(compact), "fixture layout changed");
        String msg = error(write(dir, changed, resource(BIN)));
        assertTrue(msg.contains("MobilenetV1/Conv2d_1_pointwise/weights") && msg.contains("[1, 1, 64, 32]")
                && msg.contains("expected [1, 1, 32, 64]"), msg);
    }

    @Test
    void unknownDtypeAndMalformedJson(@TempDir Path dir) throws IOException {
        String compact = new String(resource(MANIFEST)).replaceAll("\\s+", "");
        String msg = error(write(dir, compact.replaceFirst("\"dtype\":\"float32\"", "\"dtype\":\"complex64\""), resource(BIN)));
        assertTrue(msg.contains("complex64") && msg.contains("not supported"), msg);
        msg = error(write(dir, compact.substring(0, 200), resource(BIN)));
        assertTrue(msg.contains(MANIFEST) && msg.contains("JSON"), msg);
    }
}
