package io.coffer.gateway.server;

import io.coffer.gateway.auth.AuthResult;
import io.coffer.gateway.auth.AwsChunkedDecoder;
import io.coffer.gateway.auth.SigV4Verifier;
import io.coffer.gateway.config.GatewayConfig;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Operation;
import io.coffer.gateway.s3.S3Route;
import io.coffer.gateway.user.User;
import io.coffer.gateway.user.UserStore;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * SigV4 for the data plane: verifies the signature from the request line and headers (pure CPU,
 * a few HMACs, so it runs on the event loop), then wires the body: aws-chunked through the chunk
 * decoder (chunk signatures, trailers), a signed payload hash checked as the bytes stream (the body
 * fails with XAmzContentSHA256Mismatch before it completes), anything else as is.
 */
@Singleton
public final class SigV4Authenticator implements RequestAuthenticator {
    private final SigV4Verifier verifier;
    private final UserStore users;
    /** Shared by every body read ahead (chunked PUTs without a length). */
    private final BufferedBody.Budget readAheadBudget = new BufferedBody.Budget(BufferedBody.BUDGET_BYTES);

    public SigV4Authenticator(UserStore users, GatewayConfig config) {
        this(users, config, Clock.systemUTC());
    }

    SigV4Authenticator(UserStore users, GatewayConfig config, Clock clock) {
        this.users = users;
        this.verifier = new SigV4Verifier(users, config.getRegion(), clock, config.getDomain());
    }

    @Override
    public Mono<Authenticated> authenticate(HttpMethod method, String uri, HttpHeaders headers, S3Route route,
                                            Flux<ByteBuf> rawBody) {
        return Mono.fromCallable(() -> {
            NettySigV4Request sig = NettySigV4Request.of(method, uri, headers);
            AuthResult auth = verifier.verify(sig);
            if (auth.isAnonymous() && isUploadForm(route, headers)) {
                // a browser upload form carries its signature (policy, signature fields) in the body: the
                // POST Object handler verifies it once it has read the fields (an unsigned form is anonymous)
                return new Authenticated(null, rawBody, parseLength(headers.get(HttpHeaderNames.CONTENT_LENGTH)),
                        Mono.just(Map.of()));
            }
            // an unsigned request goes on as User.ANONYMOUS: the handlers' ACL checks decide (AllUsers grants);
            // the operations Coffer does not serve are all the bucket owner's in S3, so AccessDenied for anonymous
            if (auth.isAnonymous() && !route.operation().implemented()) {
                throw new S3Exception(S3Error.ACCESS_DENIED, route.path());
            }
            User user = auth.isAnonymous() ? User.ANONYMOUS : users.user(auth.accessKey())
                    .orElseThrow(() -> new S3Exception(S3Error.INVALID_ACCESS_KEY_ID, route.path()));
            if (auth.payloadMode().isStreaming()) {
                AwsChunkedDecoder decoder = AwsChunkedDecoder.forRequest(auth, sig);
                long length = parseLength(headers.get("x-amz-decoded-content-length"));
                return new Authenticated(user, decoder.decode(rawBody), length, decoder.trailers());
            }
            long length = parseLength(headers.get(HttpHeaderNames.CONTENT_LENGTH));
            Flux<ByteBuf> body = auth.payloadSha256() == null ? rawBody : verifySha256(rawBody, auth.payloadSha256());
            return new Authenticated(user, body, length, Mono.just(Map.of()));
        }).flatMap(a -> needsReadAhead(a, route, headers) ? readAhead(a) : Mono.just(a));
    }

    /** A browser-based upload (POST Object): a multipart/form-data POST on a bucket. */
    static boolean isUploadForm(S3Route route, HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        return route.operation() == S3Operation.POST_OBJECT && type != null
                && type.trim().toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /**
     * An object or part body of unknown length (Transfer-Encoding: chunked without Content-Length or
     * x-amz-decoded-content-length): writes need the length first, so it is read ahead (bounded).
     */
    private static boolean needsReadAhead(Authenticated a, S3Route route, HttpHeaders headers) {
        return a.contentLength() < 0 && headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, "chunked", true)
                && (route.operation() == S3Operation.PUT_OBJECT || route.operation() == S3Operation.UPLOAD_PART);
    }

    private Mono<Authenticated> readAhead(Authenticated a) {
        if (a.user().anonymous()) {
            // memory is held before the bucket's ACL is checked: not for callers nobody vouches for
            return Mono.error(new S3Exception(S3Error.MISSING_CONTENT_LENGTH));
        }
        return BufferedBody.read(a.body(), BufferedBody.MAX_BYTES, readAheadBudget)
                .map(b -> new Authenticated(a.user(), b.flux(), b.length(), a.trailers(), b::releaseUnclaimed));
    }

    /** Passes buffers through while hashing them; fails instead of completing if the hash differs. */
    static Flux<ByteBuf> verifySha256(Flux<ByteBuf> body, String expectedHex) {
        return Flux.defer(() -> {
            MessageDigest sha = sha256();
            return body.doOnNext(b -> sha.update(b.nioBuffer()))
                    .concatWith(Mono.defer(() -> {
                        byte[] expected = HexFormat.of().parseHex(expectedHex);
                        return MessageDigest.isEqual(expected, sha.digest())
                                ? Mono.empty()
                                : Mono.error(new S3Exception(S3Error.X_AMZ_CONTENT_SHA256_MISMATCH));
                    }));
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long parseLength(String value) {
        if (value == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(value.trim());
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, null, "invalid length header: " + value);
        }
    }
}
