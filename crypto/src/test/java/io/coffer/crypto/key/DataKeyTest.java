package io.coffer.crypto.key;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataKeyTest {
    @Test
    void generateGivesDistinct256BitKeys() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            byte[] k = DataKey.generate().bytes();
            assertEquals(32, k.length);
            assertTrue(seen.add(HexFormat.of().formatHex(k)));
        }
    }

    @Test
    void bytesIsACopyAndDestroyZeroesTheKey() {
        DataKey k = DataKey.generate();
        byte[] copy = k.bytes();
        copy[0] ^= 1;
        assertFalse(java.util.Arrays.equals(copy, k.bytes()));
        k.destroy();
        assertTrue(k.isDestroyed());
        assertThrows(IllegalStateException.class, k::bytes);
        assertEquals("DataKey[destroyed]", k.toString());
    }

    @Test
    void ofRejectsWrongLengthAndCopiesInput() {
        assertThrows(IllegalArgumentException.class, () -> DataKey.of(new byte[16]));
        byte[] raw = new byte[32];
        DataKey k = DataKey.of(raw);
        raw[0] = 7;
        assertArrayEquals(new byte[32], k.bytes());
        assertFalse(k.toString().contains("00"));
    }
}
