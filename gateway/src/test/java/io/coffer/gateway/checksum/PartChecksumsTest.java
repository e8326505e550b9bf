package io.coffer.gateway.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PartChecksumsTest {

    @Test
    void partKeysNeverPassForTheWholeObjectAlgorithm() {
        Map<String, String> sums = Map.of(PartChecksums.key(1), "AAAAAA==", PartChecksums.key(2), "AAAAAQ==",
                "CRC32C", "xU+Krw==");
        assertEquals(Optional.of(ChecksumAlgorithm.CRC32C), PartChecksums.algorithm(sums));
        assertEquals(Optional.of("AAAAAQ=="), PartChecksums.of(sums, 2));
        assertEquals(Optional.empty(), PartChecksums.of(sums, 3));
        assertEquals(Optional.empty(), PartChecksums.algorithm(Map.of(PartChecksums.key(1), "AAAAAA==")));
        assertTrue(ChecksumAlgorithm.fromName(PartChecksums.key(1)).isEmpty());
    }

    @Test
    void typeFollowsThePartCountSuffix() {
        assertEquals("COMPOSITE", PartChecksums.type("Ok6Cs5b96ux6+MWQkJO7UBT5sKPBeXBLwvj/hK89smg=-1"));
        assertEquals("FULL_OBJECT", PartChecksums.type("xU+Krw=="));
    }

    @Test
    void declaredValueMatchesWithOrWithoutPartCount() {
        String composite = "uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=-3";
        assertTrue(PartChecksums.matches(null, composite));
        assertTrue(PartChecksums.matches(composite, composite));
        assertTrue(PartChecksums.matches("uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=", composite));
        assertFalse(PartChecksums.matches("bad", composite));
        assertFalse(PartChecksums.matches("uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=-2", composite));
        assertTrue(PartChecksums.matches("xU+Krw==", "xU+Krw=="));
    }
}
