package io.coffer.gateway.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class MultipartChecksumTest {

    private static byte[] checksum(ChecksumAlgorithm a, byte[] data, int off, int len) {
        ChecksumDigest d = a.newDigest();
        d.update(data, off, len);
        return d.finish();
    }

    @ParameterizedTest
    @EnumSource(value = ChecksumAlgorithm.class, names = {"CRC32", "CRC32C", "CRC64NVME"})
    void fullObjectCombinationEqualsChecksumOfWholeObject(ChecksumAlgorithm algorithm) {
        Random random = new Random(algorithm.ordinal());
        for (int round = 0; round < 20; round++) {
            byte[] data = new byte[random.nextInt(200_000)];
            random.nextBytes(data);
            List<MultipartChecksum.Part> parts = new ArrayList<>();
            int off = 0;
            while (off < data.length || parts.isEmpty()) {
                int len = Math.min(data.length - off, random.nextInt(40_000));
                parts.add(new MultipartChecksum.Part(checksum(algorithm, data, off, len), len));
                off += len;
            }
            assertEquals(algorithm.encode(checksum(algorithm, data, 0, data.length)),
                    MultipartChecksum.fullObject(algorithm, parts), "round " + round);
        }
    }

    @ParameterizedTest
    @EnumSource(ChecksumAlgorithm.class)
    void compositeIsChecksumOfConcatenatedPartChecksumsWithPartCount(ChecksumAlgorithm algorithm) {
        byte[] data = new byte[30_000];
        new Random(9).nextBytes(data);
        List<byte[]> parts = List.of(checksum(algorithm, data, 0, 10_000), checksum(algorithm, data, 10_000, 10_000),
                checksum(algorithm, data, 20_000, 10_000));
        byte[] concatenated = new byte[algorithm.digestLength() * 3];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(parts.get(i), 0, concatenated, i * algorithm.digestLength(), algorithm.digestLength());
        }
        String expected = Base64.getEncoder().encodeToString(checksum(algorithm, concatenated, 0,
                concatenated.length)) + "-3";
        assertEquals(expected, MultipartChecksum.composite(algorithm, parts));
    }

    @Test
    void fullObjectRefusesHashesAndWrongLengths() {
        assertThrows(IllegalArgumentException.class, () -> MultipartChecksum.fullObject(ChecksumAlgorithm.SHA256,
                List.of(new MultipartChecksum.Part(new byte[32], 1))));
        assertThrows(IllegalArgumentException.class, () -> MultipartChecksum.fullObject(ChecksumAlgorithm.CRC32,
                List.of(new MultipartChecksum.Part(new byte[8], 1))));
        assertThrows(IllegalArgumentException.class, () -> MultipartChecksum.composite(ChecksumAlgorithm.CRC32,
                List.of(Arrays.copyOf(new byte[4], 5))));
    }
}
