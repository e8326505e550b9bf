package io.coffer.shard.store;

import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorInfo;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.UploadPart;
import io.coffer.shard.meta.SectorRecord;
import io.coffer.shard.volume.ExtentAllocator;
import io.coffer.shard.volume.FsyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static io.coffer.shard.store.StoreFixture.TIMEOUT;
import static io.coffer.shard.store.StoreFixture.body;
import static io.coffer.shard.store.StoreFixture.bucket;
import static io.coffer.shard.store.StoreFixture.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many concurrent writers, deleters, multipart uploads and reclaims over a few keys and shared
 * sectors; afterwards (and after a reopen) the metadata invariants hold, the allocator's used bytes
 * equal the live sectors' extents, and every live version's sectors read back with their CRC32C.
 */
@ExtendWith(LeakWatch.class)
class StoreConsistencyTest {
    @TempDir
    Path dir;

    @Test
    void concurrentMutationsKeepReferencesAndSpaceConsistent() {
        ShardStore store = ShardStore.open(dir, ShardConfig.forTests().withFsyncPolicy(FsyncPolicy.GROUP));
        Map<SectorId, byte[]> contents = new ConcurrentHashMap<>();
        try {
            store.createBucket(bucket("b")).block(TIMEOUT);
            AtomicLong generations = new AtomicLong();
            Flux.range(0, 400).flatMap(i -> operation(store, new Random(i), generations, contents), 12)
                    .blockLast(Duration.ofMinutes(2));
            store.reclaimExpiredTemporarySectors(Instant.now().plus(Duration.ofHours(2))).block(TIMEOUT);
            verify(store, contents);
        } finally {
            store.close();
        }
        try (ShardStore reopened = ShardStore.open(dir, ShardConfig.forTests())) {
            verify(reopened, contents);
        }
    }

    private static Mono<?> operation(ShardStore store, Random r, AtomicLong generations, Map<SectorId, byte[]> contents) {
        String key = "k" + r.nextInt(6);
        int kind = r.nextInt(10);
        if (kind < 5) {
            // a put referencing a fresh sector, sometimes also an older live sector
            return newSector(store, r, contents).flatMap(s -> {
                List<SectorRef> refs = new ArrayList<>(List.of(s));
                shared(store, r).ifPresent(refs::add);
                boolean nullVersion = r.nextBoolean();
                long g = generations.incrementAndGet();
                ObjectVersion v = new ObjectVersion("b", key, nullVersion ? "null" : "v" + g, g, false, 1, "e", g,
                        null, refs, null);
                return store.putVersion(v, PutCondition.NONE, nullVersion);
            }).onErrorResume(ShardException.class, e -> Mono.empty()); // a shared sector freed meanwhile
        }
        if (kind < 7) {
            return store.getVersion("b", key, null).flatMap(v -> v.isPresent()
                    ? store.deleteVersion("b", key, v.get().versionId()) : Mono.empty());
        }
        if (kind < 9) {
            String uploadId = "u" + r.nextInt(1_000_000);
            return store.createUpload(new MultipartUpload("b", key, uploadId, 1, null))
                    .then(newSector(store, r, contents))
                    .flatMap(s1 -> store.putPart("b", key, new UploadPart(uploadId, 1, s1.length(), "e", 1,
                            List.of(s1), null)).thenReturn(s1))
                    .flatMap(s1 -> newSector(store, r, contents).flatMap(s2 -> store.putPart("b", key,
                            new UploadPart(uploadId, 2, s2.length(), "e", 1, List.of(s2), null)).thenReturn(s1)))
                    .flatMap(s1 -> {
                        if (r.nextInt(3) == 0) {
                            return store.abortUpload("b", key, uploadId);
                        }
                        long g = generations.incrementAndGet();
                        return store.completeUpload(uploadId, new ObjectVersion("b", key, "v" + g, g, false, 1, "e",
                                g, null, List.of(s1), null), PutCondition.NONE, false);
                    })
                    // a concurrent put may have shared (and a delete then freed) one of our sectors
                    .onErrorResume(ShardException.class, e -> Mono.empty());
        }
        // an orphan sector that stays temporary until reclaimed
        return newSector(store, r, contents);
    }

    private static Mono<SectorRef> newSector(ShardStore store, Random r, Map<SectorId, byte[]> contents) {
        byte[] bytes = new byte[1 + r.nextInt(20_000)];
        r.nextBytes(bytes);
        SectorId id = SectorId.random();
        contents.put(id, bytes);
        return store.putSector(id, bytes.length, body(bytes, 4096)).map(i -> new SectorRef(id, i.length()));
    }

    private static java.util.Optional<SectorRef> shared(ShardStore store, Random r) {
        List<SectorRecord> all = new ArrayList<>();
        store.meta().forEachSector(s -> {
            if (s.state() == io.coffer.shard.meta.SectorState.COMMITTED) {
                all.add(s);
            }
        });
        if (all.isEmpty() || r.nextBoolean()) {
            return java.util.Optional.empty();
        }
        SectorRecord s = all.get(r.nextInt(all.size()));
        return java.util.Optional.of(new SectorRef(s.id(), s.length()));
    }

    private static void verify(ShardStore store, Map<SectorId, byte[]> contents) {
        assertEquals(List.of(), store.meta().audit(20));
        List<SectorRecord> live = new ArrayList<>();
        store.meta().forEachSector(live::add);
        long reserved = live.stream().mapToLong(s -> ExtentAllocator.reserved(s.length())).sum();
        assertEquals(reserved, store.stats().block(TIMEOUT).bytesUsed());
        assertEquals(0, store.stats().block(TIMEOUT).temporarySectors());
        assertTrue(store.stats().block(TIMEOUT).objects() > 0);
        for (SectorRecord s : live) {
            byte[] bytes = read(store, s.id(), 0, -1);
            assertEquals(contents.get(s.id()).length, bytes.length);
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            assertEquals(s.crc32c(), (int) crc.getValue());
            assertEquals(new SectorInfo(s.id(), s.length(), s.crc32c(), true),
                    store.sectorInfo(s.id()).block(TIMEOUT).orElseThrow());
        }
    }
}
