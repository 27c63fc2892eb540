package io.mssd.samples.viewer;

import io.mssd.ssd.Detection;
import io.mssd.ssd.box.Box;
import io.mssd.tools.draw.TagLayout;

import javax.swing.JComponent;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Paints the current frame scaled to fit, with each detection's box, label and score. */
final class DetectionView extends JComponent {
    static final Color[] PALETTE = {new Color(0, 230, 0), new Color(255, 140, 0), new Color(0, 140, 255), new Color(255, 0, 200),
        new Color(0, 220, 220), new Color(230, 230, 0)};

    private BufferedImage frame;
    private List<Detection> detections = List.of();
    /** With tracking: the current tracks (drawn instead of the detections), trails and count lines; null without. */
    private List<io.mssd.ssd.track.TrackedObject> tracks;
    private List<io.mssd.ssd.track.LineCounter> lines = List.of();
    private final io.mssd.tools.draw.TrackTrails trails = new io.mssd.tools.draw.TrackTrails(20, 0);

    DetectionView() {
        setPreferredSize(new Dimension(800, 600));
        setBackground(Color.DARK_GRAY);
        setOpaque(true);
    }

    void show(BufferedImage frame, List<Detection> detections) {
        this.frame = frame;
        this.detections = List.copyOf(detections);
        repaint();
    }

    List<Detection> detections() {
        return detections;
    }

    /** Tracks of the frame shown next (null: tracking off), and the count lines. */
    void showTracks(List<io.mssd.ssd.track.TrackedObject> t, List<io.mssd.ssd.track.LineCounter> countLines) {
        tracks = t == null ? null : List.copyOf(t);
        lines = countLines;
        if (t == null) trails.clear();
        else trails.update(t);
        repaint();
    }

    List<io.mssd.ssd.track.TrackedObject> tracks() {
        return tracks;
    }

    /** A component point in frame pixels. */
    double[] toFrame(int x, int y) {
        double[] t = transform();
        return new double[] {(x - t[1]) / t[0], (y - t[2]) / t[0]};
    }

    /** The colour of a track identity (as the video overlay draws it). */
    static Color colour(int id) {
        return new Color(io.mssd.tools.draw.TrackTrails.rgb(id));
    }

    BufferedImage frame() {
        return frame;
    }

    /** Scale and offset that fit the frame into the component. */
    double[] transform() {
        if (frame == null) return new double[] {1, 0, 0};
        double s = Math.min(getWidth() / (double) frame.getWidth(), getHeight() / (double) frame.getHeight());
        double ox = (getWidth() - frame.getWidth() * s) / 2, oy = (getHeight() - frame.getHeight() * s) / 2;
        return new double[] {s, ox, oy};
    }

    /** A box of the frame in component pixels (x1, y1, x2, y2). */
    int[] toView(Box b) {
        double[] t = transform();
        return new int[] {(int) Math.round(t[1] + b.x1() * t[0]), (int) Math.round(t[2] + b.y1() * t[0]),
            (int) Math.round(t[1] + b.x2() * t[0]), (int) Math.round(t[2] + b.y2() * t[0])};
    }

    static Color colour(Detection d) {
        return PALETTE[Math.floorMod(d.classIndex(), PALETTE.length)];
    }

    @Override
    protected void paintComponent(Graphics g0) {
        Graphics2D g = (Graphics2D) g0;
        g.setColor(getBackground());
        g.fillRect(0, 0, getWidth(), getHeight());
        if (frame == null) {
            g.setColor(Color.LIGHT_GRAY);
            g.drawString("Open an image, a video or a camera (File menu, or drop a file here)", 20, 30);
            return;
        }
        double[] t = transform();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(frame, (int) Math.round(t[1]), (int) Math.round(t[2]), (int) Math.round(frame.getWidth() * t[0]),
                (int) Math.round(frame.getHeight() * t[0]), null);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(3));
        if (tracks != null) {
            paintTracks(g, fm, t);
            return;
        }
        List<TagLayout.Item> items = new ArrayList<>(detections.size());
        List<String> texts = new ArrayList<>(detections.size());
        for (Detection d : detections) {
            int[] r = toView(d.box());
            g.setColor(colour(d));
            g.drawRect(r[0], r[1], r[2] - r[0], r[3] - r[1]);
            String text = String.format(Locale.ROOT, "%s %.2f", d.label(), d.score());
            texts.add(text);
            items.add(new TagLayout.Item(r[0], r[1], r[2], r[3], fm.stringWidth(text) + 6, fm.getHeight()));
        }
        List<int[]> tags = TagLayout.place(items, getWidth(), getHeight());
        for (int i = 0; i < tags.size(); i++) {
            int[] tag = tags.get(i);
            g.setColor(colour(detections.get(i)));
            g.fillRect(tag[0], tag[1], tag[2], tag[3]);
            g.setColor(Color.BLACK);
            g.drawString(texts.get(i), tag[0] + 3, tag[1] + fm.getAscent());
        }
    }

    private void paintTracks(Graphics2D g, FontMetrics fm, double[] t) {
        for (var o : tracks) {
            int[] r = toView(o.box());
            Color c = colour(o.id());
            g.setColor(c);
            g.drawRect(r[0], r[1], r[2] - r[0], r[3] - r[1]);
            float[] prev = null;
            for (float[] p : trails.trail(o.id())) {
                if (prev != null) {
                    g.drawLine((int) Math.round(t[1] + prev[0] * t[0]), (int) Math.round(t[2] + prev[1] * t[0]),
                            (int) Math.round(t[1] + p[0] * t[0]), (int) Math.round(t[2] + p[1] * t[0]));
                }
                prev = p;
            }
            String text = String.format(Locale.ROOT, "#%d %s", o.id(), o.label());
            int y = Math.max(fm.getHeight(), r[1]);
            g.fillRect(r[0], y - fm.getHeight(), fm.stringWidth(text) + 6, fm.getHeight());
            g.setColor(Color.BLACK);
            g.drawString(text, r[0] + 3, y - fm.getDescent());
        }
        g.setFont(g.getFont().deriveFont(16f));
        for (var l : lines) {
            double[] s = l.segment();
            int x1 = (int) Math.round(t[1] + s[0] * t[0]), y1 = (int) Math.round(t[2] + s[1] * t[0]);
            g.setColor(Color.YELLOW);
            g.drawLine(x1, y1, (int) Math.round(t[1] + s[2] * t[0]), (int) Math.round(t[2] + s[3] * t[0]));
            String text = String.format(Locale.ROOT, "in %d  out %d", l.totalIn(), l.totalOut());
            g.setColor(Color.BLACK);
            g.drawString(text, x1 + 7, Math.max(18, y1 - 7));
            g.setColor(Color.YELLOW);
            g.drawString(text, x1 + 6, Math.max(17, y1 - 8));
        }
    }
}
