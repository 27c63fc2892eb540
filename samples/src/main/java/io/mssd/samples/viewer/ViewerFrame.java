package io.mssd.samples.viewer;

import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.RawDetections;
import io.mssd.ssd.RgbImage;
import io.mssd.ssd.model.ModelZoo;

import javax.imageio.ImageIO;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JFileChooser;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JSlider;
import javax.swing.SwingUtilities;
import javax.swing.SwingWorker;
import javax.swing.TransferHandler;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.Graphics2D;
import java.awt.datatransfer.DataFlavor;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.List;
import java.util.Locale;

/**
 * The mssd viewer: open an image, a video or a camera, watch the detections live, move the score
 * and IoU sliders (post-processing re-runs at once on the current frame's raw output, no new
 * inference), switch models, pause / step, save a snapshot. Decoding and inference run on a worker
 * thread; the Swing thread only paints and post-processes.
 */
final class ViewerFrame extends JFrame {
    private final DetectionView view = new DetectionView();
    private final JSlider score = new JSlider(0, 100, 50), iou = new JSlider(0, 100, 50);
    private final JLabel status = new JLabel(" ");
    private final JButton play = new JButton("Pause"), step = new JButton("Step");
    private final JComboBox<String> models = new JComboBox<>();
    private final javax.swing.JCheckBox trackBox = new javax.swing.JCheckBox("Track");
    private final Object lock = new Object();
    private final Thread worker;
    // shared with the worker, under lock
    private FrameSource source;
    private Detector detector;
    private boolean playing = true, stepOnce, rerun, closed;
    private RgbImage lastImage;
    // Swing thread only
    private RawDetections raw;
    // tracking (Swing thread only): a tracker per source, fed each new frame's detections above 0.1
    private io.mssd.ssd.track.ByteTracker tracker;
    private final List<io.mssd.ssd.track.LineCounter> counters = new java.util.ArrayList<>();
    private int[] dragStart;
    private java.util.Set<String> only;
    private long lastFrameNanos;
    private double fps;

    ViewerFrame(Detector initial) {
        super("mssd viewer");
        this.detector = initial;
        setDefaultCloseOperation(JFrame.DISPOSE_ON_CLOSE);
        models.addItem(ModelZoo.DEFAULT);
        models.addItem(ModelZoo.FACE);
        models.addItem("Open model file...");
        models.addActionListener(e -> {
            Object sel = models.getSelectedItem();
            if ("Open model file...".equals(sel)) chooseModel();
            else if (sel instanceof String name && ModelZoo.models().containsKey(name) && !name.equals(detector.model().name())) loadModel(name);
        });
        setSliders(initial.defaultOptions());
        score.addChangeListener(e -> repostprocess());
        iou.addChangeListener(e -> repostprocess());
        play.addActionListener(e -> togglePlay());
        step.addActionListener(e -> requestStep());
        JPanel controls = new JPanel(new FlowLayout(FlowLayout.LEFT));
        controls.add(new JLabel("model"));
        controls.add(models);
        controls.add(play);
        controls.add(step);
        controls.add(new JLabel("min score"));
        controls.add(score);
        controls.add(new JLabel("NMS IoU"));
        controls.add(iou);
        trackBox.setToolTipText("ByteTrack: identities and trails; drag on the picture to draw a count line");
        trackBox.addActionListener(e -> setTracking(trackBox.isSelected()));
        controls.add(trackBox);
        status.setBorder(BorderFactory.createEmptyBorder(3, 6, 3, 6));
        add(controls, BorderLayout.NORTH);
        add(view, BorderLayout.CENTER);
        java.awt.event.MouseAdapter drag = new java.awt.event.MouseAdapter() {
            @Override
            public void mousePressed(java.awt.event.MouseEvent e) {
                dragStart = tracker == null ? null : new int[] {e.getX(), e.getY()};
            }

            @Override
            public void mouseReleased(java.awt.event.MouseEvent e) {
                if (dragStart == null || Math.hypot(e.getX() - dragStart[0], e.getY() - dragStart[1]) < 10) return;
                double[] a = view.toFrame(dragStart[0], dragStart[1]), b = view.toFrame(e.getX(), e.getY());
                addCountLine(a[0], a[1], b[0], b[1]);
                dragStart = null;
            }
        };
        view.addMouseListener(drag);
        add(status, BorderLayout.SOUTH);
        setJMenuBar(menu());
        setTransferHandler(new TransferHandler() {
            @Override
            public boolean canImport(TransferSupport s) {
                return s.isDataFlavorSupported(DataFlavor.javaFileListFlavor);
            }

            @Override
            public boolean importData(TransferSupport s) {
                try {
                    @SuppressWarnings("unchecked")
                    List<File> files = (List<File>) s.getTransferable().getTransferData(DataFlavor.javaFileListFlavor);
                    if (!files.isEmpty()) open(files.get(0).getPath());
                    return true;
                } catch (Exception e) {
                    error("Cannot open the dropped file", e);
                    return false;
                }
            }
        });
        addWindowListener(new WindowAdapter() {
            @Override
            public void windowClosed(WindowEvent e) {
                shutdown();
            }
        });
        pack();
        worker = new Thread(this::work, "mssd-viewer-worker");
        worker.setDaemon(true);
        worker.start();
    }

    private JMenuBar menu() {
        JMenuBar bar = new JMenuBar();
        JMenu file = new JMenu("File");
        JMenuItem open = new JMenuItem("Open image or video...");
        open.addActionListener(e -> {
            JFileChooser c = new JFileChooser();
            if (c.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) open(c.getSelectedFile().getPath());
        });
        JMenuItem camera = new JMenuItem("Open camera...");
        camera.addActionListener(e -> {
            String n = JOptionPane.showInputDialog(this, "Camera number", "0");
            if (n != null) open("camera:" + n.strip());
        });
        JMenuItem model = new JMenuItem("Load model file...");
        model.addActionListener(e -> chooseModel());
        JMenuItem snap = new JMenuItem("Save snapshot...");
        snap.addActionListener(e -> saveSnapshot());
        JMenuItem quit = new JMenuItem("Close");
        quit.addActionListener(e -> dispose());
        file.add(open);
        file.add(camera);
        file.add(model);
        file.add(snap);
        file.addSeparator();
        file.add(quit);
        bar.add(file);
        return bar;
    }

    private void setSliders(DetectorOptions o) {
        score.setValue(Math.round(o.minScore() * 100));
        iou.setValue(Math.round(o.iouThreshold() * 100));
    }

    DetectorOptions options() {
        Detector d;
        synchronized (lock) {
            d = detector;
        }
        return d.defaultOptions().withMinScore(score.getValue() / 100f).withIouThreshold(iou.getValue() / 100f);
    }

    DetectionView view() {
        return view;
    }

    JSlider scoreSlider() {
        return score;
    }

    RawDetections raw() {
        return raw;
    }

    Detector detector() {
        synchronized (lock) {
            return detector;
        }
    }

    /** Opens a source (image, video file or camera:N); errors show a dialog and keep the current one. */
    void open(String spec) {
        new SwingWorker<FrameSource, Void>() {
            @Override
            protected FrameSource doInBackground() {
                return FrameSource.open(spec);
            }

            @Override
            protected void done() {
                try {
                    FrameSource s = get();
                    FrameSource old;
                    synchronized (lock) {
                        old = source;
                        source = s;
                        playing = true;
                        lastImage = null;
                        lock.notifyAll();
                    }
                    if (old != null) old.close();
                    if (tracker != null) setTracking(true);
                    play.setText("Pause");
                    setTitle("mssd viewer - " + s.name());
                } catch (Exception e) {
                    error("Cannot open " + spec, e);
                }
            }
        }.execute();
    }

    private void chooseModel() {
        JFileChooser c = new JFileChooser();
        c.setDialogTitle("Model: .tflite, .onnx (labels.txt beside it), TF.js .json, the model.json of an mssd model folder, or a Caffe .prototxt (then its .caffemodel)");
        if (c.showOpenDialog(this) != JFileChooser.APPROVE_OPTION) {
            models.setSelectedIndex(0);
            return;
        }
        String path = c.getSelectedFile().getPath();
        String spec;
        if (path.endsWith(".tflite")) {
            spec = "tflite:" + path;
        } else if (path.endsWith(".onnx")) {
            spec = "onnx:" + path;
        } else if (path.endsWith(".prototxt")) {
            JFileChooser w = new JFileChooser(c.getSelectedFile().getParentFile());
            w.setDialogTitle("The .caffemodel for " + c.getSelectedFile().getName());
            if (w.showOpenDialog(this) != JFileChooser.APPROVE_OPTION) return;
            spec = "caffe:" + path + "," + w.getSelectedFile().getPath();
        } else {
            spec = path;
        }
        loadModel(spec);
    }

    /** Loads a model off the Swing thread, then re-runs it on the current frame. */
    void loadModel(String spec) {
        status.setText("loading " + spec + " ...");
        new SwingWorker<Detector, Void>() {
            @Override
            protected Detector doInBackground() throws Exception {
                return Detector.load(spec);
            }

            @Override
            protected void done() {
                try {
                    Detector d = get();
                    Detector old;
                    synchronized (lock) {
                        old = detector;
                        detector = d;
                        rerun = true;
                        lock.notifyAll();
                    }
                    if (((javax.swing.DefaultComboBoxModel<String>) models.getModel()).getIndexOf(spec) < 0) models.insertItemAt(spec, 1);
                    models.setSelectedItem(spec);
                    setSliders(d.defaultOptions());
                    old.close();
                } catch (Exception e) {
                    error("Cannot load the model " + spec, e);
                    models.setSelectedIndex(0);
                }
            }
        }.execute();
    }

    private void togglePlay() {
        synchronized (lock) {
            playing = !playing;
            lock.notifyAll();
        }
        play.setText(playing ? "Pause" : "Play");
    }

    private void requestStep() {
        synchronized (lock) {
            playing = false;
            stepOnce = true;
            lock.notifyAll();
        }
        play.setText("Play");
    }

    /** The worker: next frame (or the last one again after a model change) -> inference -> Swing thread. */
    private void work() {
        while (true) {
            FrameSource s;
            Detector d;
            RgbImage img;
            boolean again;
            synchronized (lock) {
                while (!closed && !(source != null && (playing || stepOnce)) && !(rerun && lastImage != null)) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                again = rerun && lastImage != null;
                rerun = false;
                stepOnce = false;
                s = source;
                d = detector;
                img = lastImage;
            }
            try {
                long t0 = System.nanoTime();
                if (!again) {
                    img = s.next();
                    if (img == null) {
                        synchronized (lock) {
                            playing = false;
                        }
                        SwingUtilities.invokeLater(() -> {
                            play.setText("Play");
                            status.setText(status.getText() + "  (end)");
                        });
                        continue;
                    }
                    if (s.still()) {
                        synchronized (lock) {
                            playing = false;
                        }
                    }
                }
                long t1 = System.nanoTime();
                RawDetections r = d.infer(img);
                long t2 = System.nanoTime();
                BufferedImage bi = img.toBufferedImage();
                RgbImage shown = img;
                double decodeMs = again ? 0 : (t1 - t0) / 1e6, inferMs = (t2 - t1) / 1e6;
                boolean still = s.still();
                synchronized (lock) {
                    lastImage = shown;
                }
                SwingUtilities.invokeLater(() -> {
                    if (still) play.setText("Play");
                    publish(bi, r, decodeMs, inferMs);
                });
            } catch (Exception | Error e) {
                synchronized (lock) {
                    playing = false;
                }
                SwingUtilities.invokeLater(() -> error("Playback stopped", e));
            }
        }
    }

    private void publish(BufferedImage bi, RawDetections r, double decodeMs, double inferMs) {
        long now = System.nanoTime();
        if (lastFrameNanos != 0) {
            double inst = 1e9 / (now - lastFrameNanos);
            fps = fps == 0 ? inst : 0.8 * fps + 0.2 * inst;
        }
        lastFrameNanos = now;
        raw = r;
        long t0 = System.nanoTime();
        List<Detection> dets = keep(detector().postprocess(r, options()));
        if (tracker != null) {
            var tracks = tracker.update(keep(detector().postprocess(r, options().withMinScore(0.1f).withMaxResults(100))));
            for (var c : counters) c.update(tracks);
            view.showTracks(tracks, counters);
        }
        double postMs = (System.nanoTime() - t0) / 1e6;
        view.show(bi, dets);
        status.setText(String.format(Locale.ROOT, "%.1f FPS | decode %.1f ms | infer %.1f ms | post %.2f ms | %d detections | %s",
                fps, decodeMs, inferMs, postMs, dets.size(), detector().model().name()));
    }

    /** Keep only these labels (null: all), as `--only` does. */
    void setOnly(java.util.Set<String> labels) {
        only = labels;
    }

    private List<Detection> keep(List<Detection> dets) {
        return only == null ? dets : dets.stream().filter(d -> only.contains(d.label())).toList();
    }

    /** Tracking on (a fresh tracker, no count lines) or off. */
    void setTracking(boolean on) {
        tracker = on ? new io.mssd.ssd.track.ByteTracker(io.mssd.ssd.track.ByteTrackerOptions.DEFAULTS) : null;
        counters.clear();
        if (trackBox.isSelected() != on) trackBox.setSelected(on);
        view.showTracks(on ? List.of() : null, counters);
    }

    /** A count line in frame pixels (tracking must be on). */
    void addCountLine(double x1, double y1, double x2, double y2) {
        if (tracker == null) return;
        counters.add(new io.mssd.ssd.track.LineCounter(x1, y1, x2, y2));
        view.repaint();
    }

    io.mssd.ssd.track.ByteTracker tracker() {
        return tracker;
    }

    /** Slider moved: post-process the current frame's raw output again (no inference). */
    private void repostprocess() {
        if (raw == null || view.frame() == null) return;
        List<Detection> dets = keep(detector().postprocess(raw, options()));
        view.show(view.frame(), dets);
    }

    private void saveSnapshot() {
        if (view.frame() == null) return;
        JFileChooser c = new JFileChooser();
        c.setSelectedFile(new File("snapshot.png"));
        if (c.showSaveDialog(this) != JFileChooser.APPROVE_OPTION) return;
        try {
            ImageIO.write(snapshot(), "png", c.getSelectedFile());
        } catch (Exception e) {
            error("Cannot save the snapshot", e);
        }
    }

    /** The view as an image, as it is on screen. */
    BufferedImage snapshot() {
        BufferedImage img = new BufferedImage(view.getWidth(), view.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        view.paint(g);
        g.dispose();
        return img;
    }

    /** The whole window as an image (for the README screenshot). */
    BufferedImage windowImage() {
        BufferedImage img = new BufferedImage(getContentPane().getWidth(), getContentPane().getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        getContentPane().paint(g);
        g.dispose();
        return img;
    }

    private void error(String what, Throwable e) {
        String msg = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : String.valueOf(e.getMessage());
        status.setText(what + ": " + msg);
        JOptionPane.showMessageDialog(this, what + ":\n" + msg, "mssd viewer", JOptionPane.ERROR_MESSAGE);
    }

    /** Stops the worker and releases the grabber (native memory) and the detector. */
    private void shutdown() {
        FrameSource s;
        Detector d;
        synchronized (lock) {
            closed = true;
            s = source;
            d = detector;
            source = null;
            lock.notifyAll();
        }
        try {
            worker.join(5000);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
        if (s != null) s.close();
        d.close();
    }
}
