package io.coffer.gateway.s3.object;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Operation;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3XmlReader;
import io.coffer.gateway.s3.acl.AccessControlList;
import io.coffer.gateway.s3.acl.AclRequests;
import io.coffer.gateway.s3.acl.CannedAcl;
import io.coffer.gateway.s3.acl.Grant;
import io.coffer.gateway.s3.acl.ObjectOwnership;
import io.coffer.gateway.s3.bucket.BucketAccess;
import io.coffer.gateway.store.ReadPipeline;
import io.coffer.gateway.store.StoredObject;
import io.coffer.gateway.store.WritePipeline;
import io.coffer.shard.api.BucketInfo;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Get/PutObjectAcl. The ACL lives in the object's signed manifest: a canned ACL as x-amz-acl, explicit
 * grants (x-amz-grant-* headers, an AccessControlPolicy body) encoded under x-coffer-grants; the owner
 * stays the writer. GetObjectAcl needs READ_ACP and PutObjectAcl WRITE_ACP on the object (its owner
 * always has both); under BucketOwnerEnforced an ACL can be read but never set.
 */
@Singleton
public final class ObjectAclHandler implements S3Handler {
    private static final int MAX_XML = 64 * 1024;

    private final ReadPipeline reader;
    private final WritePipeline writer;
    private final BucketAccess access;

    public ObjectAclHandler(ReadPipeline reader, WritePipeline writer, BucketAccess access) {
        this.reader = reader;
        this.writer = writer;
        this.access = access;
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        String versionId = req.query("versionId");
        if (req.operation() == S3Operation.GET_OBJECT_ACL) {
            return access.require(req).flatMap(b -> access.readable(req, b, reader.open(req.bucket(), req.key(), versionId))
                    .map(obj -> ObjectHeaders.versionId(S3Response.xml(
                            BucketAccess.objectAcl(b, obj.manifest().headers()).toXml(access.grantees()::displayName)),
                            obj.versionId())));
        }
        return Mono.defer(() -> {
            String canned = ObjectHeaders.cannedAcl(req);
            List<Grant> headerGrants = AclRequests.grantHeaders(req);
            return access.require(req).flatMap(b -> access.readable(req, b, reader.open(req.bucket(), req.key(), versionId))
                    .flatMap(obj -> {
                        if (BucketAccess.ownership(b) == ObjectOwnership.BUCKET_OWNER_ENFORCED) {
                            throw new S3Exception(S3Error.ACCESS_CONTROL_LIST_NOT_SUPPORTED, req.resource());
                        }
                        return S3XmlReader.readBody(req, MAX_XML)
                                .map(body -> newAcl(req, b, obj, canned, headerGrants, body))
                                .flatMap(headers -> writer.rewrite(obj.manifest().toBuilder().headers(headers), obj.version()));
                    }))
                    .map(obj -> ObjectHeaders.versionId(S3Response.ok(), obj.versionId()));
        });
    }

    /** The manifest headers with the ACL the request sets. */
    private Map<String, String> newAcl(S3Request req, BucketInfo b, StoredObject obj, String canned,
                                       List<Grant> headerGrants, byte[] body) {
        boolean hasBody = body.length > 0 && !new String(body, StandardCharsets.UTF_8).isBlank();
        boolean hasHeaders = canned != null || headerGrants != null;
        if (hasHeaders && hasBody) {
            throw new S3Exception(S3Error.UNEXPECTED_CONTENT, req.resource(),
                    "This request does not support content with an ACL header");
        }
        Map<String, String> headers = new HashMap<>(obj.manifest().headers());
        if (canned != null) {
            CannedAcl.parse(canned, req.resource());
            headers.remove(BucketAccess.OBJECT_GRANTS);
            headers.put(BucketAccess.OBJECT_ACL, canned);
            return headers;
        }
        List<Grant> grants;
        if (headerGrants != null) {
            grants = headerGrants;
        } else if (hasBody) {
            AclRequests.Policy policy = AclRequests.policy(body, req.resource());
            AccessControlList current = BucketAccess.objectAcl(b, obj.manifest().headers());
            if (policy.ownerId() != null && !policy.ownerId().isEmpty() && !policy.ownerId().equals(current.ownerId())) {
                // the owner of an object never changes through its ACL
                throw new S3Exception(S3Error.ACCESS_DENIED, req.resource());
            }
            grants = policy.grants();
        } else {
            throw new S3Exception(S3Error.MISSING_SECURITY_HEADER, req.resource(),
                    "Your request was missing a required header: x-amz-acl or an AccessControlPolicy body");
        }
        grants = access.grantees().resolve(grants, req.resource());
        headers.remove(BucketAccess.OBJECT_ACL);
        headers.put(BucketAccess.OBJECT_GRANTS, AccessControlList.encode(grants));
        return headers;
    }
}
