package io.coffer.shard.store;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorInfo;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.function.Executable;
import reactor.core.publisher.Flux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Small helpers shared by the store tests: bodies, sectors and versions. */
public final class StoreFixture {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Random RANDOM = new Random(42);

    private StoreFixture() {
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The bytes as a stream of buffers of at most {@code chunk} bytes, like a network body. */
    static Flux<ByteBuf> body(byte[] bytes, int chunk) {
        List<int[]> slices = new ArrayList<>();
        for (int off = 0; off < bytes.length; off += chunk) {
            slices.add(new int[] {off, Math.min(chunk, bytes.length - off)});
        }
        return Flux.fromIterable(slices).map(s -> Unpooled.copiedBuffer(bytes, s[0], s[1]));
    }

    static SectorInfo putSector(ShardStore store, SectorId id, byte[] bytes) {
        return store.putSector(id, bytes.length, body(bytes, 64 * 1024)).block(TIMEOUT);
    }

    /** A sector's bytes (or {@code length} of them from {@code offset}; -1 for the rest), embedded or remote. */
    public static byte[] read(Shard shard, SectorId id, long offset, long length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        shard.readSector(id, offset, length).doOnNext(b -> {
            try {
                byte[] chunk = new byte[b.readableBytes()];
                b.readBytes(chunk);
                out.writeBytes(chunk);
            } finally {
                b.release();
            }
        }).blockLast(TIMEOUT);
        return out.toByteArray();
    }

    static BucketInfo bucket(String name) {
        return new BucketInfo(name, 1_000L, "us-east-1", "", Map.of());
    }

    static ObjectVersion version(String bucket, String key, String versionId, long generation, SectorRef... sectors) {
        long size = 0;
        for (SectorRef s : sectors) {
            size += s.length();
        }
        return new ObjectVersion(bucket, key, versionId, generation, false, size, "etag-" + generation,
                1_000L * generation, "STANDARD", List.of(sectors), ("manifest-" + key + "-" + generation).getBytes());
    }

    static ObjectVersion deleteMarker(String bucket, String key, String versionId, long generation) {
        return new ObjectVersion(bucket, key, versionId, generation, true, 0, "", 1_000L * generation, null,
                List.of(), null);
    }

    static ShardException.Code codeOf(Executable e) {
        return assertThrows(ShardException.class, e).code();
    }

    static void assertCode(ShardException.Code expected, Executable e) {
        assertEquals(expected, codeOf(e));
    }
}
