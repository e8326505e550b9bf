package io.coffer.gateway.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ChecksumAlgorithmTest {

    @ParameterizedTest
    @CsvSource({
            // base64 of the big-endian checksum of "hello", as S3 returns it
            "CRC32, NhCmhg==",
            "CRC32C, mnG7TA==",
            "SHA1, qvTGHdzF6KLavt4PO0gs2a6pQ00=",
            "SHA256, LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=",
    })
    void helloHasTheKnownBase64Checksum(ChecksumAlgorithm algorithm, String base64) {
        ChecksumDigest digest = algorithm.newDigest();
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        digest.update(hello, 0, hello.length);
        assertEquals(base64, digest.finishBase64());
    }

    @Test
    void crc64NvmeIsEncodedAsEightBigEndianBytes() {
        ChecksumDigest digest = ChecksumAlgorithm.CRC64NVME.newDigest();
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        digest.update(check, 0, check.length);
        byte[] raw = digest.finish();
        assertEquals(8, raw.length);
        assertEquals((byte) 0xae, raw[0]);
        assertEquals((byte) 0x88, raw[7]);
    }

    @Test
    void headerAndAlgorithmNamesResolve() {
        assertEquals(Optional.of(ChecksumAlgorithm.CRC64NVME), ChecksumAlgorithm.fromHeaderName("X-Amz-Checksum-CRC64NVME"));
        assertEquals(Optional.of(ChecksumAlgorithm.CRC32C), ChecksumAlgorithm.fromName("crc32c"));
        assertEquals("x-amz-checksum-sha1", ChecksumAlgorithm.SHA1.headerName());
        assertTrue(ChecksumAlgorithm.fromName("MD5").isEmpty());
        assertTrue(ChecksumAlgorithm.fromHeaderName("x-amz-checksum-md5").isEmpty());
    }

    @Test
    void decodeRejectsWrongLengthAndBadBase64() {
        assertTrue(ChecksumAlgorithm.CRC32.decode("NhCmhg==").isPresent());
        assertTrue(ChecksumAlgorithm.CRC32.decode("AAAAAAAAAAA=").isEmpty());
        assertTrue(ChecksumAlgorithm.CRC32.decode("not base64!").isEmpty());
    }
}
