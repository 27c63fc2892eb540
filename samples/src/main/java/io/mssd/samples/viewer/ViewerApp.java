package io.mssd.samples.viewer;

import io.mssd.ssd.Detector;
import io.mssd.ssd.model.ModelZoo;
import io.mssd.tools.launch.VectorModuleLauncher;

import javax.swing.JFrame;
import javax.swing.JOptionPane;
import javax.swing.SwingUtilities;
import java.awt.GraphicsEnvironment;
import java.util.OptionalInt;

/** {@code java -jar samples/target/mssd-viewer.jar [--track] [--only person,car] [FILE|camera:N]}: the Swing viewer. */
public final class ViewerApp {
    private ViewerApp() {}

    /** Why no window can be opened here (headless, or a display that does not answer), or null. */
    static String displayProblem() {
        if (GraphicsEnvironment.isHeadless()) return "no display (headless)";
        try {
            GraphicsEnvironment.getLocalGraphicsEnvironment().getScreenDevices();
            return null;
        } catch (java.awt.AWTError | java.awt.HeadlessException e) {
            return "display " + System.getenv("DISPLAY") + " cannot be opened";
        }
    }

    public static void main(String[] args) throws Exception {
        OptionalInt code = VectorModuleLauncher.relaunchIfNeeded(ViewerApp.class, args);
        if (code.isPresent()) System.exit(code.getAsInt());
        String noDisplay = displayProblem();
        if (noDisplay != null) {
            System.err.println("mssd viewer: error: " + noDisplay + " (set DISPLAY to a running X server, or run under xvfb-run)");
            System.exit(2);
        }
        String file = null;
        java.util.Set<String> only = null;
        boolean track = false;
        String model = ModelZoo.DEFAULT;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--track")) track = true;
            else if (args[i].equals("--model") && i + 1 < args.length) model = args[++i];
            else if (args[i].equals("--only") && i + 1 < args.length) only = new java.util.LinkedHashSet<>(java.util.List.of(args[++i].split(",")));
            else if (args[i].startsWith("-")) {
                System.err.println("mssd viewer: error: unknown option " + args[i] + " (usage: [--model SPEC] [--track] [--only person,car] [FILE|camera:N])");
                System.exit(2);
            } else file = args[i];
        }
        Detector detector;
        try {
            detector = Detector.load(model);
        } catch (RuntimeException | java.io.IOException e) {
            System.err.println("mssd viewer: error: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (only != null) {
            for (String l : only) {
                if (!detector.model().labels().contains(l)) {
                    System.err.println("mssd viewer: error: --only: '" + l + "' is not a label of " + detector.model().name()
                            + "; its labels: " + String.join(", ", detector.model().labels()));
                    System.exit(2);
                }
            }
        }
        String source = file;
        java.util.Set<String> keep = only;
        boolean tracking = track;
        SwingUtilities.invokeLater(() -> {
            ViewerFrame f = new ViewerFrame(detector);
            f.setOnly(keep);
            if (tracking) f.setTracking(true);
            f.setDefaultCloseOperation(JFrame.DISPOSE_ON_CLOSE);
            f.addWindowListener(new java.awt.event.WindowAdapter() {
                @Override
                public void windowClosed(java.awt.event.WindowEvent e) {
                    System.exit(0);
                }
            });
            f.setLocationRelativeTo(null);
            f.setVisible(true);
            if (source != null) f.open(source);
            else JOptionPane.showMessageDialog(f, "Open an image, a video or a camera from the File menu, or drop a file on the window.");
        });
    }
}
