package io.coffer.benchmarks.gateway;

import io.coffer.crypto.key.MasterKeyring;
import io.coffer.crypto.manifest.GatewaySigningKey;
import io.coffer.crypto.manifest.ManifestSigner;
import io.coffer.crypto.manifest.ManifestVerifier;
import io.coffer.gateway.config.GatewayConfig;
import io.coffer.gateway.s3.acl.Grantees;
import io.coffer.gateway.s3.bucket.config.BucketConfigHandler;
import io.coffer.gateway.s3.bucket.config.CorsPreflight;
import io.coffer.gateway.s3.object.KmsKeyring;
import io.coffer.gateway.s3.S3Dispatcher;
import io.coffer.gateway.s3.post.PostObjectHandler;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Route;
import io.coffer.gateway.s3.S3Router;
import io.coffer.gateway.s3.bucket.BucketAccess;
import io.coffer.gateway.s3.bucket.BucketHandler;
import io.coffer.gateway.s3.list.BucketListHandler;
import io.coffer.gateway.s3.multipart.MultipartHandler;
import io.coffer.gateway.s3.object.ObjectAclHandler;
import io.coffer.gateway.s3.object.ObjectAttributesHandler;
import io.coffer.gateway.s3.object.ObjectDeleteHandler;
import io.coffer.gateway.s3.object.ObjectGetHandler;
import io.coffer.gateway.s3.object.ObjectHandlers;
import io.coffer.gateway.s3.object.ObjectPutHandler;
import io.coffer.gateway.s3.object.ObjectTaggingHandler;
import io.coffer.gateway.server.SigV4Authenticator;
import io.coffer.gateway.store.ReadPipeline;
import io.coffer.gateway.store.SignedManifests;
import io.coffer.gateway.store.SignedState;
import io.coffer.gateway.store.StoreSettings;
import io.coffer.gateway.store.WritePipeline;
import io.coffer.gateway.user.UserStore;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import io.coffer.shard.volume.FsyncPolicy;
import io.coffer.shard.volume.VolumeConfig;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The gateway's S3 request path without its socket: the same objects the Micronaut context wires
 * ({@code EmbeddedShardFactory}, {@code StoreBeans}, the handler singletons), built by hand around a
 * real {@link ShardStore} in a temporary directory, and the same steps {@code S3Server.process} takes
 * per request: route, SigV4-authenticate (header signature, then the body wiring: aws-chunked
 * decoding or the signed-payload hash), build the {@link S3Request}, dispatch. What is left out is
 * only Netty's HTTP codec, the concurrency limit, metrics and writing the response headers.
 */
final class EmbeddedGateway implements AutoCloseable {
    static final String ACCESS_KEY = "CFBENCHROOTACCESSKEY";
    static final String SECRET_KEY = "bench/root/secret/key/0123456789abcdefghij";
    static final String REGION = "us-east-1";

    private final Path dir;
    private final ShardStore store;
    private final S3Router router;
    private final SigV4Authenticator authenticator;
    private final S3Dispatcher dispatcher;

    private EmbeddedGateway(Path dir, ShardStore store, S3Router router, SigV4Authenticator authenticator,
                            S3Dispatcher dispatcher) {
        this.dir = dir;
        this.store = store;
        this.router = router;
        this.authenticator = authenticator;
        this.dispatcher = dispatcher;
    }

    /** A fresh gateway over an empty store whose volumes sync with {@code fsync}. */
    static EmbeddedGateway open(FsyncPolicy fsync) {
        Path dir;
        try {
            dir = Files.createTempDirectory("coffer-gw-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // production defaults except volume sizes (a 64 MiB first volume keeps set-up short) and the policy
        ShardConfig shardConfig = ShardConfig.defaults().withVolumes(new VolumeConfig(64L << 20, 64L << 20,
                1L << 30, 8L << 30, 0, fsync));
        ShardStore store = ShardStore.open(dir.resolve("shard"), shardConfig);
        try {
            GatewayConfig config = new GatewayConfig();
            config.setDataDir(dir.toString());
            config.setRegion(REGION);
            config.setRootAccessKey(ACCESS_KEY);
            config.setRootSecretKey(SECRET_KEY);
            config.setFsync(fsync.name().toLowerCase());

            byte[] master = new byte[MasterKeyring.KEY_LENGTH];
            new SecureRandom().nextBytes(master);
            MasterKeyring keyring = MasterKeyring.of(List.of(master));
            GatewaySigningKey signingKey = GatewaySigningKey.generate();
            StoreSettings settings = StoreSettings.DEFAULT;
            SignedManifests manifests = new SignedManifests(new ManifestSigner(signingKey,
                    ManifestVerifier.of(List.of(signingKey.publicKey()))), settings.manifestCacheEntries());
            WritePipeline writer = new WritePipeline(store, keyring, manifests, settings);
            ReadPipeline reader = new ReadPipeline(store, keyring, manifests);
            UserStore users = new UserStore(store, keyring, config);
            BucketAccess access = new BucketAccess(store, new Grantees(users));
            KmsKeyring kms = new KmsKeyring("", "");

            ObjectGetHandler get = new ObjectGetHandler(reader, access);
            ObjectPutHandler put = new ObjectPutHandler(writer, reader, store, access, kms);
            ObjectHandlers objects = new ObjectHandlers(put, get,
                    new ObjectDeleteHandler(store, access), new ObjectAttributesHandler(reader, get),
                    new ObjectTaggingHandler(reader, writer, get), new ObjectAclHandler(reader, writer, access));
            MultipartHandler multipart = new MultipartHandler(writer, reader, store, keyring,
                    new SignedState(signingKey, List.of(signingKey.publicKey())), access, kms,
                    MultipartHandler.MIN_PART_SIZE);
            S3Dispatcher dispatcher = new S3Dispatcher(new BucketHandler(store, access, config),
                    new BucketListHandler(store, access), objects, multipart, new PostObjectHandler(put, users, config),
                    new BucketConfigHandler(store, access), new CorsPreflight(store));
            return new EmbeddedGateway(dir, store, new S3Router(null), new SigV4Authenticator(users, config),
                    dispatcher);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * One request as {@code S3Server} processes it, from its request line and headers to the
     * handler's response. {@code rawBody} is the body as it came off the socket (buffers owned by
     * whoever subscribes).
     */
    Mono<S3Response> handle(HttpMethod method, String uri, HttpHeaders headers, Flux<ByteBuf> rawBody) {
        return Mono.defer(() -> {
            S3Route route = router.route(method, uri, headers.get(HttpHeaderNames.HOST), headers);
            return authenticator.authenticate(method, uri, headers, route, rawBody)
                    .flatMap(auth -> dispatcher.dispatch(new S3Request("BENCH", method, route.operation(),
                            route.bucket(), route.key(), route.path(), route.query(), headers, auth.user(),
                            auth.body(), auth.contentLength(), auth.trailers())));
        });
    }

    /**
     * Reads a response's body to the end, releasing every buffer, and returns the byte count; fails
     * on an error status so a benchmark never measures fast failures.
     */
    static Mono<Long> drain(S3Response r) {
        if (r.status() >= 300) {
            return Mono.error(new S3Exception(S3Error.INTERNAL_ERROR, null, "benchmark request answered " + r.status()));
        }
        Publisher<ByteBuf> body = r.body();
        if (body == null) {
            return Mono.just(r.contentLength());
        }
        return Flux.from(body).map(b -> {
            int n = b.readableBytes();
            b.release();
            return (long) n;
        }).reduce(0L, Long::sum);
    }

    @Override
    public void close() {
        store.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory: best effort
        }
    }
}
