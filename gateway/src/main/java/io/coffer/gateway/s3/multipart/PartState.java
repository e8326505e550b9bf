package io.coffer.gateway.s3.multipart;

import io.coffer.crypto.IntegrityException;
import io.coffer.gateway.store.SignedState;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import java.util.ArrayList;
import java.util.List;

/**
 * One uploaded part as the gateway vouches for it, kept signed in {@code UploadPart.state}: its
 * size and digests, the fresh content id it was encrypted under, and its sectors.
 *
 * @param checksum base64 of the upload's checksum algorithm over this part, or ""
 */
record PartState(String uploadId, int partNumber, long size, String md5Hex, String checksum, byte[] contentId,
                 List<SectorRef> sectors) {
    static final String KIND = "multipart-part";

    PartState {
        sectors = List.copyOf(sectors);
    }

    byte[] sign(SignedState signer) {
        StateCodec.Writer w = new StateCodec.Writer()
                .string(uploadId).number(partNumber).number(size).string(md5Hex).string(checksum).bytes(contentId)
                .number(sectors.size());
        for (SectorRef s : sectors) {
            w.bytes(s.id().toBytes()).number(s.length());
        }
        return signer.sign(KIND, w.toBytes());
    }

    static PartState open(SignedState signer, byte[] blob, String uploadId, int partNumber) {
        StateCodec.Reader r = new StateCodec.Reader(signer.open(KIND, blob));
        String u = r.string();
        int n = (int) r.number();
        long size = r.number();
        String md5 = r.string();
        String checksum = r.string();
        byte[] contentId = r.bytes();
        long count = r.number();
        if (count < 0 || count > 10_000_000) {
            throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST, "bad part state");
        }
        List<SectorRef> sectors = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            sectors.add(new SectorRef(SectorId.fromBytes(r.bytes(), 0), r.number()));
        }
        if (!u.equals(uploadId) || n != partNumber) {
            throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST, "part state of another part");
        }
        return new PartState(u, n, size, md5, checksum, contentId, sectors);
    }
}
