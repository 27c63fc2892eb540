package io.mssd.ssd.track;

/**
 * ByteTrack's parameters, defaults as its BYTETracker: detections above {@code trackThresh} (0.5)
 * are associated first (IoU fused with the score, cost limit {@code matchThresh} 0.8) and start new
 * tracks from trackThresh + 0.1; those between 0.1 and trackThresh rescue the remaining tracks (IoU
 * cost limit 0.5); a lost track is kept {@code trackBuffer} frames at 30 fps (scaled by the frame rate).
 */
public record ByteTrackerOptions(float trackThresh, double matchThresh, int trackBuffer, double frameRate) {

    public static final ByteTrackerOptions DEFAULTS = new ByteTrackerOptions(0.5f, 0.8, 30, 30); // 0.8 as the reference's Python float

    public ByteTrackerOptions {
        if (!(trackThresh > 0.1f && trackThresh < 1)) throw new IllegalArgumentException("track threshold must be in (0.1, 1), got " + trackThresh);
        if (!(matchThresh > 0 && matchThresh <= 1)) throw new IllegalArgumentException("match threshold must be in (0, 1], got " + matchThresh);
        if (trackBuffer < 1) throw new IllegalArgumentException("track buffer must be >= 1, got " + trackBuffer);
        if (!(frameRate > 0)) throw new IllegalArgumentException("frame rate must be > 0, got " + frameRate);
    }

    public ByteTrackerOptions withFrameRate(double fps) {
        return new ByteTrackerOptions(trackThresh, matchThresh, trackBuffer, fps);
    }

    /** Frames a lost track is kept: int(frame rate / 30 * buffer), as the reference computes it. */
    public int maxTimeLost() {
        return (int) (frameRate / 30.0 * trackBuffer);
    }
}
