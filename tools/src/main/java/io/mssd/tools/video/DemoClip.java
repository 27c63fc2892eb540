package io.mssd.tools.video;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The embedded demo clip (OpenCV's Megamind.avi), copied to a temporary file for FFmpeg. */
public final class DemoClip {
    public static final String RESOURCE = "/io/mssd/tools/demo/Megamind.avi";

    private DemoClip() {}

    public static Path extract() throws IOException {
        Path tmp = Files.createTempFile("mssd-demo-", ".avi");
        tmp.toFile().deleteOnExit();
        try (InputStream in = DemoClip.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IOException("the demo clip " + RESOURCE + " is missing from the jar");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }
}
