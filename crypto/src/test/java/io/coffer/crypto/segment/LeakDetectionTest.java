package io.coffer.crypto.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.crypto.key.DataKey;
import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Netty's own leak detector (paranoid in tests) over the production allocator: a deliberately leaked buffer
 * is reported (so this check can fail), and the streams, including cancelled and failed ones, leak nothing.
 */
class LeakDetectionTest {
    private static final PooledByteBufAllocator POOL = PooledByteBufAllocator.DEFAULT;

    @Test
    void streamsLeakNothingByNettysLeakDetector() throws Exception {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
        List<String> leaks = new CopyOnWriteArrayList<>();
        ResourceLeakDetector<ByteBuf> detector = byteBufLeakDetector();
        detector.setLeakListener((type, records) -> leaks.add(type));
        try {
            // positive control: a buffer dropped without release is reported
            POOL.directBuffer(64).writeInt(1);
            assertTrue(collectUntil(() -> !leaks.isEmpty(), 200), "leak detector never reported a known leak");
            leaks.clear();

            Random r = new Random(5);
            SegmentLayout layout = new SegmentLayout(1024);
            SegmentEncryptor enc = new SegmentEncryptor(layout, POOL);
            SegmentDecryptor dec = new SegmentDecryptor(layout, POOL);
            for (int round = 0; round < 20; round++) {
                DataKey key = DataKey.generate();
                byte[] cid = new byte[16];
                r.nextBytes(cid);
                byte[] plain = new byte[r.nextInt(10_000)];
                r.nextBytes(plain);
                List<byte[]> segs = SegmentStreams.drain(enc.encrypt(chunks(plain, r), key, cid, 1));
                byte[] stored = SegmentStreams.concat(segs);
                SegmentStreams.drain(dec.decrypt(chunks(stored, r), key, cid, 1, plain.length,
                        layout.whole(plain.length)));
                // cancelled and failing streams too
                SegmentStreams.drain(enc.encrypt(chunks(plain, r), key, cid, 2).take(1));
                SegmentStreams.drain(dec.decrypt(chunks(stored, r), key, cid, 1, plain.length,
                        layout.whole(plain.length)).take(1));
                stored[stored.length - 1] ^= 1;
                Flux<ByteBuf> bad = dec.decrypt(chunks(stored, r), key, cid, 1, plain.length,
                        layout.whole(plain.length));
                assertTrue(bad.map(b -> {
                    b.release();
                    return 0;
                }).onErrorReturn(-1).blockLast() == -1);
            }
            assertFalse(collectUntil(() -> !leaks.isEmpty(), 20), "leaks reported: " + leaks);
        } finally {
            detector.setLeakListener(null);
        }
    }

    private static Flux<ByteBuf> chunks(byte[] data, Random r) {
        List<Integer> sizes = SegmentStreams.randomChunks(r, data.length, 3000);
        return Flux.defer(() -> {
            int[] pos = {0};
            return Flux.fromIterable(sizes).map(n -> {
                ByteBuf b = POOL.directBuffer(n).writeBytes(data, pos[0], n);
                pos[0] += n;
                return b;
            });
        });
    }

    /** GC and allocate (the detector reports on allocation) until {@code done} or the rounds run out. */
    private static boolean collectUntil(java.util.function.BooleanSupplier done, int rounds) throws Exception {
        for (int i = 0; i < rounds && !done.getAsBoolean(); i++) {
            System.gc();
            Thread.sleep(10);
            for (int k = 0; k < 10; k++) {
                POOL.directBuffer(16).release();
            }
        }
        return done.getAsBoolean();
    }

    @SuppressWarnings("unchecked")
    private static ResourceLeakDetector<ByteBuf> byteBufLeakDetector() throws Exception {
        Field f = AbstractByteBuf.class.getDeclaredField("leakDetector");
        f.setAccessible(true);
        return (ResourceLeakDetector<ByteBuf>) f.get(null);
    }
}
