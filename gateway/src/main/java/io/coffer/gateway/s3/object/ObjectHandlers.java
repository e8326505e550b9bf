package io.coffer.gateway.s3.object;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

/** The object operation family: sends each object operation to the handler class that owns it. */
@Singleton
public final class ObjectHandlers implements S3Handler {
    private final ObjectPutHandler put;
    private final ObjectGetHandler get;
    private final ObjectDeleteHandler delete;
    private final ObjectAttributesHandler attributes;
    private final ObjectTaggingHandler tagging;
    private final ObjectAclHandler acl;

    public ObjectHandlers(ObjectPutHandler put, ObjectGetHandler get, ObjectDeleteHandler delete,
                          ObjectAttributesHandler attributes, ObjectTaggingHandler tagging, ObjectAclHandler acl) {
        this.put = put;
        this.get = get;
        this.delete = delete;
        this.attributes = attributes;
        this.tagging = tagging;
        this.acl = acl;
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        return switch (req.operation()) {
            case PUT_OBJECT, COPY_OBJECT -> put.handle(req);
            case GET_OBJECT, HEAD_OBJECT -> get.handle(req);
            case DELETE_OBJECT, DELETE_OBJECTS -> delete.handle(req);
            case GET_OBJECT_ATTRIBUTES -> attributes.handle(req);
            case GET_OBJECT_TAGGING, PUT_OBJECT_TAGGING, DELETE_OBJECT_TAGGING -> tagging.handle(req);
            case GET_OBJECT_ACL, PUT_OBJECT_ACL -> acl.handle(req);
            default -> Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, req.resource()));
        };
    }
}
