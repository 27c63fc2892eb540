package io.mssd.samples.viewer;

import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.ssd.model.ModelZoo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.swing.SwingUtilities;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The viewer in a real window (Xvfb in CI): boxes drawn where the detector says; sliders re-run post-processing. */
class ViewerFrameTest {

    static <T> T onEdt(java.util.concurrent.Callable<T> c) throws Exception {
        AtomicReference<T> r = new AtomicReference<>();
        AtomicReference<Exception> e = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> {
            try {
                r.set(c.call());
            } catch (Exception ex) {
                e.set(ex);
            }
        });
        if (e.get() != null) throw e.get();
        return r.get();
    }

    static boolean near(int rgb, Color c) {
        Color p = new Color(rgb);
        return Math.abs(p.getRed() - c.getRed()) < 40 && Math.abs(p.getGreen() - c.getGreen()) < 40 && Math.abs(p.getBlue() - c.getBlue()) < 40;
    }

    @Test
    void showsDetectionsWhereTheDetectorSaysAndSlidersRefilter() throws Exception {
        String noDisplay = ViewerApp.displayProblem();
        if (noDisplay != null) System.err.println("SKIPPED viewer test: " + noDisplay + "; .ci/run starts Xvfb for it");
        Assumptions.assumeTrue(noDisplay == null, noDisplay);
        Path image = Path.of(ViewerFrameTest.class.getResource("/Megamind_f060.png").toURI());
        Detector detector = Detector.load(ModelZoo.FACE, 2); // the frame shows faces
        var pixels = io.mssd.ssd.RgbImage.of(ImageIO.read(image.toFile()));
        for (int i = 0; i < 5; i++) detector.infer(pixels); // warm the JIT: the status bar then shows real timings
        ViewerFrame f = onEdt(() -> {
            ViewerFrame v = new ViewerFrame(detector);
            v.setSize(960, 760);
            v.setVisible(true);
            v.open(image.toString());
            return v;
        });
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (onEdt(() -> f.raw() == null || f.view().frame() == null)) {
                assertTrue(System.currentTimeMillis() < deadline, "no detections within 60 s");
                Thread.sleep(100);
            }
            // low threshold: the viewer draws what post-processing keeps at that threshold
            List<Detection> low = onEdt(() -> {
                f.scoreSlider().setValue(30);
                return f.view().detections();
            });
            List<Detection> expectedLow = detector.postprocess(f.raw(), detector.defaultOptions().withMinScore(0.30f).withIouThreshold(0.5f));
            assertEquals(expectedLow.size(), low.size());
            assertTrue(low.size() >= 2, "two faces at min score 0.3, got " + low.size());
            BufferedImage shot = onEdt(f::snapshot);
            for (Detection d : low) {
                int[] r = onEdt(() -> f.view().toView(d.box()));
                int midY = (r[1] + r[3]) / 2, midX = (r[0] + r[2]) / 2;
                Color c = DetectionView.colour(d);
                assertTrue(near(shot.getRGB(r[0], midY), c), "left edge of " + d + " drawn at " + r[0] + "," + midY);
                assertTrue(near(shot.getRGB(r[2], midY), c), "right edge of " + d);
                assertTrue(near(shot.getRGB(midX, r[3]), c), "bottom edge of " + d);
            }
            if (System.getProperty("mssd.viewer.screenshot") != null) {
                ImageIO.write(onEdt(f::windowImage), "png", Path.of(System.getProperty("mssd.viewer.screenshot")).toFile());
            }
            // high threshold: fewer boxes, exactly as post-processing says, no new inference
            var raw = f.raw();
            List<Detection> high = onEdt(() -> {
                f.scoreSlider().setValue(90);
                return f.view().detections();
            });
            assertEquals(detector.postprocess(raw, detector.defaultOptions().withMinScore(0.90f).withIouThreshold(0.5f)).size(), high.size());
            assertNotEquals(low.size(), high.size(), "the slider changes the number of boxes");
            assertTrue(raw == f.raw(), "moving a slider does not re-run the network");
        } finally {
            onEdt(() -> {
                f.dispose();
                return null;
            });
        }
        assertTrue(Files.exists(image));
    }

    /** With Track on, the view draws what a ByteTracker returns for the frame's detections above 0.1, and count lines. */
    @Test
    void tracksAreDrawnWhereTheTrackerSays() throws Exception {
        String noDisplay = ViewerApp.displayProblem();
        if (noDisplay != null) System.err.println("SKIPPED viewer tracking test: " + noDisplay + "; .ci/run starts Xvfb for it");
        Assumptions.assumeTrue(noDisplay == null, noDisplay);
        Path image = Path.of(ViewerFrameTest.class.getResource("/people.jpg").toURI());
        Detector detector = Detector.load(ModelZoo.DEFAULT, 2);
        ViewerFrame f = onEdt(() -> {
            ViewerFrame v = new ViewerFrame(detector);
            v.setSize(960, 760);
            v.setVisible(true);
            v.setTracking(true);
            v.open(image.toString());
            return v;
        });
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (onEdt(() -> f.view().tracks() == null || f.view().tracks().isEmpty())) {
                assertTrue(System.currentTimeMillis() < deadline, "no tracks within 60 s");
                Thread.sleep(100);
            }
            var tracks = onEdt(() -> f.view().tracks());
            var raw = onEdt(f::raw);
            var expected = new io.mssd.ssd.track.ByteTracker(io.mssd.ssd.track.ByteTrackerOptions.DEFAULTS)
                    .update(detector.postprocess(raw, onEdt(() -> f.options()).withMinScore(0.1f).withMaxResults(100)));
            assertEquals(expected, tracks);
            onEdt(() -> {
                f.addCountLine(0, 300, 640, 300);
                return null;
            });
            BufferedImage shot = onEdt(f::snapshot);
            for (var t : tracks) {
                int[] r = onEdt(() -> f.view().toView(t.box()));
                int midY = (r[1] + r[3]) / 2;
                assertTrue(near(shot.getRGB(r[0], midY), DetectionView.colour(t.id())), "left edge of track " + t.id());
                assertTrue(near(shot.getRGB(r[2], midY), DetectionView.colour(t.id())), "right edge of track " + t.id());
            }
            if (System.getProperty("mssd.viewer.tracking.screenshot") != null) {
                ImageIO.write(onEdt(f::windowImage), "png", Path.of(System.getProperty("mssd.viewer.tracking.screenshot")).toFile());
            }
        } finally {
            onEdt(() -> {
                f.dispose();
                return null;
            });
        }
    }
}
