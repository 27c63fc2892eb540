package io.mssd.tools.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mssd.ssd.Detection;
import io.mssd.ssd.box.Box;
import io.mssd.ssd.track.ByteTracker;
import io.mssd.ssd.track.ByteTrackerOptions;
import io.mssd.ssd.track.TrackedObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `mssd video --track --count-line` on the people demo clip: each JSON line's tracks are what a
 * ByteTracker returns when fed that line's detections (all above 0.1), identities persist, counts
 * are reported; bad count lines are one-line errors.
 */
class VideoTrackingTest {

    @Test
    void jsonLinesCarryWhatTheTrackerReceivedAndReturned(@TempDir Path dir) throws Exception {
        Path clip = io.mssd.tools.video.DemoClip.PEOPLE.extract(), json = dir.resolve("t.jsonl");
        CliTest.Run r = CliTest.run("video", clip.toString(), "--json", json.toString(), "--max-frames", "40", "--count-line",
                "384,140,384,576", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("distinct identities"), r.out());
        List<String> lines = Files.readAllLines(json);
        assertEquals(40, lines.size());
        ByteTracker replay = new ByteTracker(ByteTrackerOptions.DEFAULTS.withFrameRate(10));
        Set<Integer> ids = new HashSet<>();
        int persistent = 0;
        Set<Integer> previous = Set.of();
        for (String line : lines) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            List<Detection> dets = new ArrayList<>();
            for (var e : o.getAsJsonArray("detections")) {
                JsonObject d = e.getAsJsonObject();
                JsonArray b = d.getAsJsonArray("box");
                assertTrue(d.get("score").getAsFloat() >= 0.1f, "the tracker receives every detection above 0.1");
                dets.add(new Detection(d.get("label").getAsString(), 0, d.get("score").getAsFloat(),
                        new Box(b.get(0).getAsFloat(), b.get(1).getAsFloat(), b.get(2).getAsFloat(), b.get(3).getAsFloat())));
            }
            List<TrackedObject> want = replay.update(dets);
            JsonArray got = o.getAsJsonArray("tracks");
            assertEquals(want.size(), got.size(), "frame " + o.get("frame"));
            Set<Integer> now = new HashSet<>();
            for (int i = 0; i < want.size(); i++) {
                JsonObject t = got.get(i).getAsJsonObject();
                assertEquals(want.get(i).id(), t.get("id").getAsInt());
                assertEquals(want.get(i).box().x1(), t.getAsJsonArray("box").get(0).getAsFloat(), 0.02f);
                now.add(t.get("id").getAsInt());
            }
            for (int id : now) if (previous.contains(id)) persistent++;
            previous = now;
            ids.addAll(now);
            JsonObject counts = o.getAsJsonArray("counts").get(0).getAsJsonObject();
            assertTrue(counts.has("in") && counts.has("out") && counts.has("by_label"), line);
        }
        assertTrue(ids.size() >= 3, "people tracked: " + ids);
        assertTrue(persistent > 100, "identities persist from frame to frame: " + persistent);
    }

    @Test
    void badCountLinesAreOneLineErrors() throws Exception {
        Path clip = io.mssd.tools.video.DemoClip.PEOPLE.extract();
        for (String bad : new String[] {"1,2,3", "1,2,3,x", "5,5,5,5"}) {
            CliTest.Run r = CliTest.run("video", clip.toString(), "--json", "/tmp/never.jsonl", "--count-line", bad);
            assertEquals(2, r.code(), bad);
            assertTrue(r.err().contains("--count-line"), r.err());
        }
    }
}
