package io.coffer.gateway.store;

import io.coffer.crypto.key.MasterKeyring;
import io.coffer.crypto.manifest.GatewaySigningKey;
import io.coffer.crypto.manifest.ManifestSigner;
import io.coffer.crypto.manifest.ManifestVerifier;
import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;

/** A real ShardStore under a temporary directory, with the pipelines wired as the gateway wires them. */
final class StoreFixture implements AutoCloseable {
    static final String BUCKET = "bkt";

    final ShardStore shard;
    final MasterKeyring keyring;
    final SignedManifests manifests;
    final WritePipeline writer;
    final ReadPipeline reader;

    StoreFixture(Path dir, StoreSettings settings) {
        shard = ShardStore.open(dir, ShardConfig.forTests());
        byte[] mk = new byte[32];
        new SecureRandom().nextBytes(mk);
        keyring = MasterKeyring.of(List.of(mk));
        GatewaySigningKey signingKey = GatewaySigningKey.generate();
        manifests = new SignedManifests(new ManifestSigner(signingKey,
                ManifestVerifier.cached(List.of(signingKey.publicKey()), 100)));
        writer = new WritePipeline(shard, keyring, manifests, settings);
        reader = new ReadPipeline(shard, keyring, manifests);
        shard.createBucket(new BucketInfo(BUCKET, System.currentTimeMillis(), "us-east-1", "", Map.of())).block();
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** The bytes as a stream of buffers of at most {@code chunk} bytes, allocated on subscription. */
    static Flux<ByteBuf> body(byte[] data, int chunk) {
        return Flux.range(0, (data.length + chunk - 1) / chunk)
                .map(i -> {
                    int off = i * chunk;
                    ByteBuf b = Unpooled.directBuffer(Math.min(chunk, data.length - off));
                    b.writeBytes(data, off, Math.min(chunk, data.length - off));
                    return b;
                });
    }

    static byte[] drain(Flux<ByteBuf> flux) {
        return flux.reduce(new java.io.ByteArrayOutputStream(), (out, b) -> {
            try {
                byte[] chunk = new byte[b.readableBytes()];
                b.readBytes(chunk);
                out.writeBytes(chunk);
            } finally {
                b.release();
            }
            return out;
        }).map(java.io.ByteArrayOutputStream::toByteArray).defaultIfEmpty(new byte[0]).block();
    }

    @Override
    public void close() {
        shard.close();
    }
}
