package io.coffer.gateway.s3.multipart;

import io.coffer.crypto.key.WrappedKey;
import io.coffer.gateway.store.ObjectMetadata;
import io.coffer.gateway.store.SignedState;

/**
 * What CreateMultipartUpload fixes for the whole upload, kept signed in {@code MultipartUpload.state}:
 * the data key every part is encrypted under (wrapped), the headers the object will carry, and the
 * checksum the client asked for.
 *
 * @param checksumAlgorithm "" or an algorithm name (CRC32C ...)
 * @param checksumType      "" , COMPOSITE or FULL_OBJECT
 * @param sseCKeyMd5        "" unless the data key is wrapped under an SSE-C key
 */
record UploadState(String bucket, String key, String uploadId, int segmentSize, WrappedKey wrappedKey,
                   String sseCKeyMd5, String checksumAlgorithm, String checksumType, ObjectMetadata metadata) {
    static final String KIND = "multipart-upload";

    byte[] sign(SignedState signer) {
        byte[] payload = new StateCodec.Writer()
                .string(bucket).string(key).string(uploadId).number(segmentSize)
                .string(wrappedKey.keyId()).bytes(wrappedKey.wrapped())
                .string(sseCKeyMd5).string(checksumAlgorithm).string(checksumType)
                .string(metadata.contentType()).map(metadata.userMetadata()).map(metadata.headers()).map(metadata.tags())
                .toBytes();
        return signer.sign(KIND, payload);
    }

    /** Verifies and decodes; the upload must be the one the shard filed it under. */
    static UploadState open(SignedState signer, byte[] blob, String bucket, String key, String uploadId) {
        StateCodec.Reader r = new StateCodec.Reader(signer.open(KIND, blob));
        UploadState s = new UploadState(r.string(), r.string(), r.string(), (int) r.number(),
                new WrappedKey(r.string(), r.bytes()), r.string(), r.string(), r.string(),
                new ObjectMetadata(r.string(), r.map(), r.map(), r.map()));
        if (!s.bucket.equals(bucket) || !s.key.equals(key) || !s.uploadId.equals(uploadId)) {
            throw new io.coffer.crypto.IntegrityException(io.coffer.crypto.IntegrityException.Kind.TAMPERED_MANIFEST,
                    "upload state of another upload");
        }
        return s;
    }
}
