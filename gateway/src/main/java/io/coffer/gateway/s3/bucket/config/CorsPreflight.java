package io.coffer.gateway.s3.bucket.config;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Response;
import io.coffer.shard.api.Shard;
import io.netty.handler.codec.http.HttpHeaders;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * CORS preflight: an {@code OPTIONS} request on a bucket or object, answered from the bucket's CORS
 * rules without authentication (browsers send preflights without credentials). 400 without Origin or
 * Access-Control-Request-Method, 403 when the bucket has no rule allowing the request, else 200 with the
 * Access-Control-* headers of the first matching rule.
 */
@Singleton
public final class CorsPreflight {
    private final Shard shard;

    public CorsPreflight(Shard shard) {
        this.shard = shard;
    }

    public Mono<S3Response> answer(String bucket, HttpHeaders headers, String resource) {
        String origin = headers.get("Origin");
        String method = headers.get("Access-Control-Request-Method");
        if (bucket == null || origin == null || method == null) {
            return Mono.error(new S3Exception(S3Error.INVALID_REQUEST, resource,
                    "Insufficient information. Origin request header needed."));
        }
        List<String> requested = new ArrayList<>();
        String rh = headers.get("Access-Control-Request-Headers");
        if (rh != null) {
            for (String h : rh.split(",")) {
                if (!h.isBlank()) {
                    requested.add(h.strip());
                }
            }
        }
        return shard.getBucket(bucket).map(found -> {
            BucketCors cors = found.map(BucketCors::of).orElse(null);
            BucketCors.Rule rule = cors == null ? null : cors.match(origin, method, requested);
            if (rule == null) {
                throw new S3Exception(S3Error.ACCESS_DENIED, resource, "CORSResponse: This CORS request is not allowed. "
                        + "This is usually because the evalution of Origin, request method / Access-Control-Request-Method "
                        + "or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.");
            }
            S3Response r = S3Response.ok();
            r.header("Access-Control-Allow-Origin", BucketCors.allowOrigin(rule, origin));
            r.header("Access-Control-Allow-Methods", String.join(", ", rule.methods()));
            if (!requested.isEmpty()) {
                r.header("Access-Control-Allow-Headers", String.join(", ", requested));
            }
            if (!rule.exposeHeaders().isEmpty()) {
                r.header("Access-Control-Expose-Headers", String.join(", ", rule.exposeHeaders()));
            }
            if (rule.maxAgeSeconds() != null) {
                r.header("Access-Control-Max-Age", rule.maxAgeSeconds());
            }
            r.header("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
            return r;
        });
    }

    /**
     * The Access-Control-* headers an ordinary request from {@code origin} gets when the bucket's rules
     * allow its method; nothing otherwise (S3 never fails a request for CORS, the browser decides).
     */
    public Mono<S3Response> decorate(String bucket, String origin, String method, S3Response r) {
        if (bucket == null || origin == null) {
            return Mono.just(r);
        }
        return shard.getBucket(bucket).map(found -> {
            BucketCors cors = found.map(BucketCors::of).orElse(null);
            BucketCors.Rule rule = cors == null ? null : cors.match(origin, method, List.of());
            if (rule != null) {
                r.header("Access-Control-Allow-Origin", BucketCors.allowOrigin(rule, origin));
                r.header("Access-Control-Allow-Methods", String.join(", ", rule.methods()));
                if (!rule.exposeHeaders().isEmpty()) {
                    r.header("Access-Control-Expose-Headers", String.join(", ", rule.exposeHeaders()));
                }
                if (rule.maxAgeSeconds() != null) {
                    r.header("Access-Control-Max-Age", rule.maxAgeSeconds());
                }
                r.header("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
            }
            return r;
        }).onErrorReturn(r).defaultIfEmpty(r);
    }
}
