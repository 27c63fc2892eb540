package io.mssd.tools.video;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The embedded demo clips (see resources io/mssd/tools/demo/README.md), copied to a temporary file for FFmpeg. */
public enum DemoClip {
    /** Pedestrians in a shopping street (OpenCV's vtest.avi, first 24 s): the main job's demo. */
    PEOPLE("/io/mssd/tools/demo/vtest-people.mp4", ".mp4"),
    /** OpenCV's Megamind.avi: faces, for the face model. */
    FACES("/io/mssd/tools/demo/Megamind.avi", ".avi");

    private final String resource, extension;

    DemoClip(String resource, String extension) {
        this.resource = resource;
        this.extension = extension;
    }

    public String fileName() {
        return resource.substring(resource.lastIndexOf('/') + 1);
    }

    public Path extract() throws IOException {
        Path tmp = Files.createTempFile("mssd-demo-", extension);
        tmp.toFile().deleteOnExit();
        try (InputStream in = DemoClip.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("the demo clip " + resource + " is missing from the jar");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }
}
