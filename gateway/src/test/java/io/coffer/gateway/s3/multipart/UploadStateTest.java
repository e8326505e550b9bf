package io.coffer.gateway.s3.multipart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.key.WrappedKey;
import io.coffer.crypto.manifest.GatewaySigningKey;
import io.coffer.gateway.store.ObjectMetadata;
import io.coffer.gateway.store.SignedState;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UploadStateTest {
    private final GatewaySigningKey key = GatewaySigningKey.generate();
    private final SignedState signer = new SignedState(key, List.of(key.publicKey()));

    private UploadState upload() {
        return new UploadState("b", "k", "u1", 65536, new WrappedKey("mk-0123456789abcdef", new byte[40]), "",
                "CRC32C", "COMPOSITE", new ObjectMetadata("text/plain", Map.of("m", "1"), Map.of("cache-control", "x"),
                Map.of("t", "v")));
    }

    @Test
    void uploadStateRoundTripsThroughItsSignature() {
        UploadState s = upload();
        UploadState back = UploadState.open(signer, s.sign(signer), "b", "k", "u1");
        assertEquals(s.metadata(), back.metadata());
        assertEquals(s.wrappedKey(), back.wrappedKey());
        assertEquals("CRC32C", back.checksumAlgorithm());
        assertEquals(65536, back.segmentSize());
    }

    @Test
    void tamperedOrMovedStateIsRejected() {
        byte[] blob = upload().sign(signer);
        byte[] flipped = blob.clone();
        flipped[5] ^= 1;
        assertThrows(IntegrityException.class, () -> UploadState.open(signer, flipped, "b", "k", "u1"));
        assertThrows(IntegrityException.class, () -> UploadState.open(signer, blob, "b", "other", "u1"));
        GatewaySigningKey stranger = GatewaySigningKey.generate();
        byte[] foreign = upload().sign(new SignedState(stranger, List.of(stranger.publicKey())));
        assertThrows(IntegrityException.class, () -> UploadState.open(signer, foreign, "b", "k", "u1"));
    }

    @Test
    void partStateCannotPassAsAnotherPartOrAsUploadState() {
        PartState p = new PartState("u1", 3, 100, "00ff", "", new byte[16],
                List.of(new SectorRef(new SectorId(1, 2), 116)));
        byte[] blob = p.sign(signer);
        PartState back = PartState.open(signer, blob, "u1", 3);
        assertEquals(p.sectors(), back.sectors());
        assertArrayEquals(p.contentId(), back.contentId());
        assertThrows(IntegrityException.class, () -> PartState.open(signer, blob, "u1", 4));
        assertThrows(IntegrityException.class, () -> UploadState.open(signer, blob, "b", "k", "u1"));
    }
}
