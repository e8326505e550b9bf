package io.coffer.gateway.s3.object;

import io.coffer.crypto.key.MasterKeyring;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.bucket.config.BucketEncryption;
import io.coffer.shard.api.BucketInfo;

/**
 * SSE-S3 and SSE-KMS request headers. Every Coffer object is encrypted, so SSE-S3
 * ({@code x-amz-server-side-encryption: AES256}) changes nothing but the answer; SSE-KMS
 * ({@code aws:kms}) wraps the data key for a key id of the {@link KmsKeyring}. SSE-C lives in
 * {@link ObjectHeaders#sseC(S3Request)}, which also refuses SSE-C combined with these.
 */
public final class ServerSideEncryption {
    public static final String HEADER = "x-amz-server-side-encryption";
    public static final String KMS_KEY_ID_HEADER = "x-amz-server-side-encryption-aws-kms-key-id";
    public static final String KMS = "aws:kms";
    public static final String S3 = "AES256";

    private ServerSideEncryption() {
    }

    /**
     * The KMS key id a write (PutObject, CopyObject's destination, CreateMultipartUpload) wraps its data
     * key for, or null for SSE-S3 / SSE-C. Without SSE headers the bucket's default encryption applies.
     *
     * @throws S3Exception InvalidArgument for a key id without {@code aws:kms}, or {@code aws:kms}
     *                     without a key id when the keyring has no default; KMS.NotFoundException for a key
     *                     id the keyring does not hold
     */
    public static String kmsKeyId(S3Request req, KmsKeyring kms, BucketInfo bucket) {
        String sse = req.header(HEADER);
        String keyId = req.header(KMS_KEY_ID_HEADER);
        if (keyId != null && !KMS.equals(sse)) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "Server Side Encryption with KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms");
        }
        if (sse == null) {
            if (hasCustomerKey(req)) {
                return null;
            }
            BucketEncryption defaults = BucketEncryption.of(bucket);
            if (defaults == null || !defaults.kms()) {
                return null;
            }
            return known(defaults.kmsKeyId() != null ? defaults.kmsKeyId() : kms.defaultKeyId(), kms, req);
        }
        if (!KMS.equals(sse)) {
            return null;
        }
        return known(keyId != null ? keyId.strip() : kms.defaultKeyId(), kms, req);
    }

    private static String known(String keyId, KmsKeyring kms, S3Request req) {
        if (keyId == null || keyId.isEmpty()) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "Server Side Encryption with KMS managed key requires HTTP header "
                            + "x-amz-server-side-encryption-aws-kms-key-id (this server has no default KMS key)");
        }
        if (!kms.contains(keyId)) {
            throw new S3Exception(S3Error.KMS_NOT_FOUND, req.resource(), "Invalid keyId " + keyId);
        }
        return keyId;
    }

    private static boolean hasCustomerKey(S3Request req) {
        return req.header("x-amz-server-side-encryption-customer-algorithm") != null
                || req.header("x-amz-server-side-encryption-customer-key") != null;
    }

    /** GET and HEAD take no SSE-S3/KMS headers (S3 answers 400; only SSE-C keys are sent on reads). */
    public static void refuseOnRead(S3Request req) {
        if (req.header(HEADER) != null || req.header(KMS_KEY_ID_HEADER) != null) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "x-amz-server-side-encryption header is not supported for this operation.");
        }
    }

    /** The KMS key id of a data key's wrapping key id, or null when it is not SSE-KMS. */
    public static String kmsKeyIdOf(String wrappingKeyId) {
        return MasterKeyring.kmsKeyIdOf(wrappingKeyId);
    }
}
