package io.mssd.tools.draw;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TagLayoutTest {

    @Test
    void aLoneTagSitsAboveItsBoxOrInsideTheFrame() {
        assertArrayEquals(new int[] {100, 80, 60, 20}, TagLayout.place(List.of(new TagLayout.Item(100, 100, 200, 200, 60, 20)),
                640, 480).get(0));
        // at the top edge: inside the box instead of off the frame; at the right edge: pulled left
        assertArrayEquals(new int[] {100, 5, 60, 20}, TagLayout.place(List.of(new TagLayout.Item(100, 5, 200, 200, 60, 20)),
                640, 480).get(0));
        assertArrayEquals(new int[] {580, 80, 60, 20}, TagLayout.place(List.of(new TagLayout.Item(620, 100, 639, 200, 60, 20)),
                640, 480).get(0));
    }

    @Test
    void tagsOfNeighbouringBoxesDoNotCoverEachOther() {
        // two people side by side, box tops at about the same height: the tags would overlap above
        List<TagLayout.Item> items = List.of(new TagLayout.Item(610, 268, 643, 369, 90, 20),
                new TagLayout.Item(650, 251, 690, 358, 90, 20), new TagLayout.Item(600, 240, 700, 300, 90, 20));
        List<int[]> tags = TagLayout.place(items, 768, 576);
        for (int i = 0; i < tags.size(); i++) {
            int[] a = tags.get(i);
            assertTrue(a[0] >= 0 && a[1] >= 0 && a[0] + a[2] <= 768 && a[1] + a[3] <= 576, "tag " + i + " inside the frame");
            for (int j = 0; j < i; j++) {
                int[] b = tags.get(j);
                boolean apart = a[0] + a[2] <= b[0] || b[0] + b[2] <= a[0] || a[1] + a[3] <= b[1] || b[1] + b[3] <= a[1];
                assertTrue(apart, "tags " + j + " and " + i + " overlap");
            }
        }
        // the first (highest score) keeps its preferred place above its box
        assertArrayEquals(new int[] {610, 248, 90, 20}, tags.get(0));
    }
}
