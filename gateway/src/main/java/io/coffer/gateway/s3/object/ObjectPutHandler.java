package io.coffer.gateway.s3.object;

import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.key.SseCustomerKey;
import io.coffer.crypto.key.WrappedKey;
import io.coffer.crypto.manifest.Manifest;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.bucket.BucketAccess;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Operation;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.store.ObjectMetadata;
import io.coffer.gateway.store.ObjectWrite;
import io.coffer.gateway.store.ReadPipeline;
import io.coffer.gateway.store.StoredObject;
import io.coffer.gateway.store.WritePipeline;
import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.Shard;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * PutObject and CopyObject. A copy never moves data: the new manifest reuses the source's sectors
 * (segment AAD binds the content id, not the key name), re-signed for the destination, with the
 * data key re-wrapped when the SSE-C key changes.
 */
@Singleton
public final class ObjectPutHandler implements S3Handler {
    private final WritePipeline writer;
    private final ReadPipeline reader;
    private final Shard shard;
    private final BucketAccess access;
    private final KmsKeyring kms;

    public ObjectPutHandler(WritePipeline writer, ReadPipeline reader, Shard shard, BucketAccess access,
                            KmsKeyring kms) {
        this.kms = kms;
        this.writer = writer;
        this.reader = reader;
        this.shard = shard;
        this.access = access;
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        return req.operation() == S3Operation.COPY_OBJECT ? copy(req) : put(req);
    }

    /** The copy source, if its bucket exists and the caller may read the object (BucketAccess#copySource). */
    public static Mono<StoredObject> openSource(BucketAccess access, ReadPipeline reader, S3Request req, CopySource src) {
        return access.copySource(req, src.bucket(), src.key(), reader.open(src.bucket(), src.key(), src.versionId()));
    }

    public static boolean versioned(BucketInfo b) {
        return "Enabled".equals(b.versioning());
    }

    /** If-None-Match: * and If-Match of a write. */
    public static PutCondition writeCondition(S3Request req) {
        String ifNoneMatch = req.header("if-none-match");
        String ifMatch = req.header("if-match");
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw new S3Exception(S3Error.NOT_IMPLEMENTED, req.resource(),
                        "A header you provided implies functionality that is not implemented (If-None-Match other than *)");
            }
            return PutCondition.IF_ABSENT;
        }
        if (ifMatch != null) {
            return new PutCondition.IfEtagMatches(ObjectHeaders.unquote(ifMatch));
        }
        return PutCondition.NONE;
    }

    private Mono<S3Response> put(S3Request req) {
        return Mono.defer(() -> {
            ObjectHeaders.checkKeyLength(req);
            long length = req.contentLength();
            if (length < 0) {
                throw new S3Exception(S3Error.MISSING_CONTENT_LENGTH, req.resource());
            }
            if (length > ObjectHeaders.MAX_OBJECT_SIZE) {
                throw new S3Exception(S3Error.ENTITY_TOO_LARGE, req.resource());
            }
            ObjectMetadata metadata = ObjectHeaders.metadata(req);
            SseCustomerKey sseC = ObjectHeaders.sseC(req);
            PutCondition condition = writeCondition(req);
            var checks = ObjectHeaders.bodyChecks(req);
            return access.require(req).flatMap(b -> {
                ObjectMetadata owned = new ObjectMetadata(metadata.contentType(), metadata.userMetadata(),
                        BucketAccess.withOwner(metadata.headers(), b), metadata.tags());
                ObjectWrite w = new ObjectWrite(req.bucket(), req.key(), length, owned, checks, sseC, condition,
                        versioned(b), ServerSideEncryption.kmsKeyId(req, kms, b));
                return writer.put(w, req.body());
            }).map(stored -> {
                S3Response r = S3Response.ok().etag(stored.etag());
                ObjectHeaders.versionId(r, stored.versionId());
                ObjectHeaders.encryption(r, stored.manifest());
                ObjectHeaders.checksums(r, stored.manifest());
                return r;
            });
        });
    }

    private Mono<S3Response> copy(S3Request req) {
        return Mono.defer(() -> {
            ObjectHeaders.checkKeyLength(req);
            CopySource src = CopySource.parse(req.header("x-amz-copy-source"), req.resource());
            SseCustomerKey srcKey = ObjectHeaders.sseC(req, "x-amz-copy-source-");
            SseCustomerKey dstKey = ObjectHeaders.sseC(req);
            String directive = directive(req, "x-amz-metadata-directive");
            String taggingDirective = directive(req, "x-amz-tagging-directive");
            boolean replace = directive.equals("REPLACE");
            ObjectMetadata replacement = replace ? ObjectHeaders.metadata(req) : null;
            Map<String, String> newTags = taggingDirective.equals("REPLACE")
                    ? (req.header("x-amz-tagging") == null ? Map.of() : Tags.fromQuery(req.header("x-amz-tagging"), req.resource()))
                    : null;
            String acl = ObjectHeaders.cannedAcl(req);
            boolean sameObject = src.bucket().equals(req.bucket()) && src.key().equals(req.key());
            Preconditions conditions = CopySource.conditions(req);
            return openSource(access, reader, req, src)
                    .zipWith(access.require(req))
                    .flatMap(t -> {
                        StoredObject source = t.getT1();
                        if (conditions.evaluateForCopy(source.etag(), source.lastModifiedMillis())
                                != Preconditions.Outcome.PROCEED) {
                            throw new S3Exception(S3Error.PRECONDITION_FAILED, req.resource());
                        }
                        Manifest sm = source.manifest();
                        String kmsKeyId = ServerSideEncryption.kmsKeyId(req, kms, t.getT2());
                        boolean encryptionChanges = sm.sseC() != (dstKey != null)
                                || dstKey != null && !dstKey.matchesMd5(sm.sseCKeyMd5())
                                || !java.util.Objects.equals(kmsKeyId, ServerSideEncryption.kmsKeyIdOf(sm.keyId()))
                                || req.header(ServerSideEncryption.HEADER) != null;
                        boolean storageClassChanges = req.header("x-amz-storage-class") != null;
                        if (sameObject && src.versionId() == null && !replace && !encryptionChanges
                                && !storageClassChanges && newTags == null && acl == null) {
                            throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                                    "This copy request is illegal because it is trying to copy an object to itself "
                                            + "without changing the object's metadata, storage class, website redirect "
                                            + "location or encryption attributes.");
                        }
                        DataKey dataKey = reader.dataKey(source, srcKey);
                        WrappedKey wrapped;
                        try {
                            wrapped = writer.wrap(dataKey, dstKey, kmsKeyId);
                        } finally {
                            dataKey.destroy();
                        }
                        Manifest.Builder b = sm.toBuilder()
                                .bucket(req.bucket()).key(req.key())
                                .lastModifiedMillis(System.currentTimeMillis())
                                .wrappedKey(wrapped)
                                .sseC(dstKey == null ? null : dstKey.keyMd5Base64());
                        Map<String, String> headers;
                        if (replace) {
                            b.contentType(replacement.contentType()).userMetadata(replacement.userMetadata());
                            headers = new HashMap<>(replacement.headers());
                        } else {
                            headers = new HashMap<>(sm.headers());
                            String storageClass = req.header("x-amz-storage-class");
                            if (storageClass != null) {
                                if (!ObjectHeaders.STORAGE_CLASSES.contains(storageClass)) {
                                    throw new S3Exception(S3Error.INVALID_STORAGE_CLASS, req.resource());
                                }
                                headers.put("x-amz-storage-class", storageClass);
                            }
                            if (req.user() != null) {
                                headers.put(ObjectHeaders.OWNER_ID, req.user().id());
                                headers.put(ObjectHeaders.OWNER_NAME, req.user().displayName());
                            }
                        }
                        if (acl != null) {
                            headers.put(ObjectHeaders.ACL, acl);
                        } else if (!replace) {
                            headers.remove(ObjectHeaders.ACL);
                        }
                        // a copy gets the ACL the request asks for (private by default), never the source's
                        ObjectHeaders.grants(req, headers);
                        b.headers(BucketAccess.withOwner(headers, t.getT2()));
                        if (newTags != null) {
                            b.tags(newTags);
                        }
                        return writer.commit(b, writeCondition(req), versioned(t.getT2()))
                                .map(stored -> {
                                    S3Response r = S3Response.xml(S3Xml.document("CopyObjectResult")
                                            .element("ETag", "\"" + stored.etag() + "\"")
                                            .timestamp("LastModified", stored.lastModifiedMillis())
                                            .toXml());
                                    ObjectHeaders.versionId(r, stored.versionId());
                                    if (src.versionId() != null) {
                                        r.header("x-amz-copy-source-version-id", src.versionId());
                                    }
                                    ObjectHeaders.encryption(r, stored.manifest());
                                    return r;
                                });
                    });
        });
    }

    private static String directive(S3Request req, String header) {
        String d = req.header(header);
        if (d == null) {
            return "COPY";
        }
        if (!d.equals("COPY") && !d.equals("REPLACE")) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(), "Unknown " + header + " value: " + d);
        }
        return d;
    }
}
