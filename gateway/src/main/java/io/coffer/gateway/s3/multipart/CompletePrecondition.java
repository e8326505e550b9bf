package io.coffer.gateway.s3.multipart;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.object.ObjectHeaders;
import io.coffer.gateway.store.ReadPipeline;
import io.coffer.gateway.store.StoredObject;
import io.coffer.shard.api.PutCondition;
import reactor.core.publisher.Mono;

/**
 * If-Match / If-None-Match on CompleteMultipartUpload (conditional writes). S3 answers 412
 * PreconditionFailed when the current object does (If-None-Match) or does not (If-Match) carry the
 * ETag, and 404 NoSuchKey for If-Match when there is no current object. The answer is decided on the
 * current version read here and then pinned to it: the commit carries that version's generation (or
 * "absent"), so an object written in between fails the commit instead of slipping past the check.
 *
 * @param ifMatch     unquoted If-Match, or null
 * @param ifNoneMatch unquoted If-None-Match, or null
 */
record CompletePrecondition(String ifMatch, String ifNoneMatch) {

    static CompletePrecondition of(S3Request req) {
        String m = req.header("if-match");
        String n = req.header("if-none-match");
        return new CompletePrecondition(m == null ? null : ObjectHeaders.unquote(m.trim()),
                n == null ? null : ObjectHeaders.unquote(n.trim()));
    }

    /** The condition to commit under; fails with PreconditionFailed or NoSuchKey when it cannot hold. */
    Mono<PutCondition> resolve(ReadPipeline reader, S3Request req) {
        if (ifMatch == null && ifNoneMatch == null) {
            return Mono.just(PutCondition.NONE);
        }
        if (ifMatch == null && ifNoneMatch.equals("*")) {
            return Mono.just(PutCondition.IF_ABSENT);
        }
        return reader.openIfPresent(req.bucket(), req.key())
                .map(current -> onCurrent(current, req))
                .switchIfEmpty(Mono.fromSupplier(() -> {
                    if (ifMatch != null) {
                        throw new S3Exception(S3Error.NO_SUCH_KEY, req.resource());
                    }
                    return PutCondition.IF_ABSENT;
                }));
    }

    private PutCondition onCurrent(StoredObject current, S3Request req) {
        if (ifMatch != null && !matches(ifMatch, current.etag())) {
            throw new S3Exception(S3Error.PRECONDITION_FAILED, req.resource());
        }
        if (ifNoneMatch != null && matches(ifNoneMatch, current.etag())) {
            throw new S3Exception(S3Error.PRECONDITION_FAILED, req.resource());
        }
        return new PutCondition.IfGeneration(current.version().generation());
    }

    private static boolean matches(String condition, String etag) {
        return condition.equals("*") || condition.equals(etag);
    }
}
