package io.coffer.crypto.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.crypto.key.DataKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** Property tests: any size, any chunking, any range decrypts to exactly the plaintext bytes. */
class SegmentStreamTest {
    private static final int S = SegmentLayout.DEFAULT_SEGMENT_SIZE;
    private final Random random = new Random(0xC0FFE);

    @ParameterizedTest
    @ValueSource(ints = {0, 1, S - 1, S, S + 1, 2 * S, 3 * S + 7, 5 * 1024 * 1024 + 123})
    void encryptThenDecryptReturnsSamePlaintextForEverySize(int size) {
        for (boolean direct : new boolean[] {false, true}) {
            SegmentStreams st = new SegmentStreams(S, direct);
            byte[] plain = randomBytes(size);
            DataKey key = DataKey.generate();
            byte[] cid = randomBytes(16);
            List<Integer> chunks = SegmentStreams.randomChunks(random, size, 3 * S);
            List<byte[]> segments = SegmentStreams.drain(st.encryptor.encrypt(st.chunks(plain, 0, chunks), key,
                    cid, 1));

            // one emitted buffer per stored segment, full-size except the last
            assertEquals(st.layout.segmentCount(size), segments.size());
            for (int i = 0; i < segments.size(); i++) {
                assertEquals(st.layout.plaintextSegmentLength(size, i) + 16, segments.get(i).length);
            }
            byte[] stored = SegmentStreams.concat(segments);
            assertEquals(st.layout.ciphertextLength(size), stored.length);

            List<Integer> ctChunks = SegmentStreams.randomChunks(random, stored.length, 2 * S);
            assertArrayEquals(plain, st.decrypt(stored, key, cid, 1, size, st.layout.whole(size), ctChunks));
            st.alloc.assertAllReleased();
        }
    }

    @Test
    void chunkingNeverChangesTheStoredBytes() throws Exception {
        SegmentStreams st = new SegmentStreams(100, false);
        DataKey key = DataKey.generate();
        byte[] plain = randomBytes(1234);
        byte[] expected = null;
        for (int max : new int[] {1, 7, 99, 100, 101, 250, 1234}) {
            // each run on its own thread: the JDK refuses back-to-back encryption under the same key and nonce
            byte[] cid = new byte[16];
            byte[] stored = AesGcmTest.onFreshThread(() -> st.encrypt(plain,
                    SegmentStreams.randomChunks(random, plain.length, max), key, cid, 3));
            if (expected == null) {
                expected = stored;
            }
            assertArrayEquals(expected, stored, "chunks up to " + max);
        }
        st.alloc.assertAllReleased();
    }

    @Test
    void everyRangeOfASmallObjectDecryptsToExactlyThoseBytes() {
        SegmentStreams st = new SegmentStreams(16, true);
        DataKey key = DataKey.generate();
        byte[] cid = randomBytes(16);
        byte[] plain = randomBytes(50);
        byte[] stored = st.encrypt(plain, key, cid, 2);
        for (int first = 0; first < plain.length; first++) {
            for (int last = first; last < plain.length; last++) {
                CiphertextRange r = st.layout.forPlaintextRange(plain.length, first, last);
                byte[] slice = Arrays.copyOfRange(stored, (int) r.ciphertextOffset(),
                        (int) (r.ciphertextOffset() + r.ciphertextLength()));
                byte[] got = st.decrypt(slice, key, cid, 2, plain.length, r,
                        SegmentStreams.randomChunks(random, slice.length, 40));
                assertArrayEquals(Arrays.copyOfRange(plain, first, last + 1), got, first + "-" + last);
            }
        }
        st.alloc.assertAllReleased();
    }

    @Test
    void randomRangesOfALargeObjectDecryptToExactlyThoseBytes() {
        SegmentStreams st = new SegmentStreams(S, false);
        DataKey key = DataKey.generate();
        byte[] cid = randomBytes(16);
        int size = 3 * 1024 * 1024 + 4321;
        byte[] plain = randomBytes(size);
        byte[] stored = st.encrypt(plain, SegmentStreams.randomChunks(random, size, 200_000), key, cid, 1);
        for (int i = 0; i < 40; i++) {
            int first;
            int last;
            switch (i % 4) {
                case 0 -> { // anywhere
                    first = random.nextInt(size);
                    last = first + random.nextInt(size - first);
                }
                case 1 -> { // around a segment boundary
                    int b = S * (1 + random.nextInt(size / S));
                    first = Math.max(0, b - 1 - random.nextInt(3));
                    last = Math.min(size - 1, b + random.nextInt(3));
                }
                case 2 -> { // suffix (bytes=-N)
                    first = size - 1 - random.nextInt(S * 2);
                    last = size - 1;
                }
                default -> { // short, inside one segment
                    first = random.nextInt(size - 10);
                    last = first + random.nextInt(10);
                }
            }
            CiphertextRange r = st.layout.forPlaintextRange(size, first, last);
            byte[] slice = Arrays.copyOfRange(stored, (int) r.ciphertextOffset(),
                    (int) (r.ciphertextOffset() + r.ciphertextLength()));
            byte[] got = st.decrypt(slice, key, cid, 1, size, r,
                    SegmentStreams.randomChunks(random, slice.length, 3 * S));
            assertArrayEquals(Arrays.copyOfRange(plain, first, last + 1), got, first + "-" + last);
        }
        st.alloc.assertAllReleased();
    }

    @Test
    void randomSizesAtRandomSegmentSizesDecryptAnyRangeExactly() {
        // the fixed sizes above are the edges; these are whatever lies between them, at segment sizes
        // from the minimum up, with the stored bytes' length checked against the layout every time
        int[] segmentSizes = {SegmentLayout.MIN_SEGMENT_SIZE, 17, 100, 1024, 4096};
        for (int round = 0; round < 60; round++) {
            int seg = segmentSizes[random.nextInt(segmentSizes.length)];
            SegmentStreams st = new SegmentStreams(seg, random.nextBoolean());
            int size = random.nextInt(6 * seg + 2);
            byte[] plain = randomBytes(size);
            DataKey key = DataKey.generate();
            byte[] cid = randomBytes(16);
            int part = 1 + random.nextInt(10_000);
            byte[] stored = st.encrypt(plain, SegmentStreams.randomChunks(random, size, 2 * seg + 1), key, cid, part);
            String where = "segment " + seg + ", size " + size;
            assertEquals(st.layout.ciphertextLength(size), stored.length, where);
            assertEquals(size, st.layout.plaintextLength(stored.length), where);
            assertArrayEquals(plain, st.decrypt(stored, key, cid, part, size, st.layout.whole(size),
                    stored.length == 0 ? List.of() : SegmentStreams.randomChunks(random, stored.length, 3 * seg)),
                    where);
            for (int r = 0; r < 8 && size > 0; r++) {
                int first = random.nextInt(size);
                int last = first + random.nextInt(size - first);
                CiphertextRange range = st.layout.forPlaintextRange(size, first, last);
                byte[] slice = Arrays.copyOfRange(stored, (int) range.ciphertextOffset(),
                        (int) (range.ciphertextOffset() + range.ciphertextLength()));
                assertArrayEquals(Arrays.copyOfRange(plain, first, last + 1), st.decrypt(slice, key, cid, part, size,
                        range, SegmentStreams.randomChunks(random, slice.length, 2 * seg)), where + ", " + first + "-" + last);
            }
            st.alloc.assertAllReleased();
        }
    }

    @Test
    void bytesAfterTheRangeAreReleasedAndIgnored() {
        SegmentStreams st = new SegmentStreams(64, false);
        DataKey key = DataKey.generate();
        byte[] cid = randomBytes(16);
        byte[] plain = randomBytes(640);
        byte[] stored = st.encrypt(plain, key, cid, 1);
        CiphertextRange r = st.layout.forPlaintextRange(plain.length, 70, 80);
        // the shard sent everything from the range's offset to the end of the part
        byte[] tail = Arrays.copyOfRange(stored, (int) r.ciphertextOffset(), stored.length);
        assertArrayEquals(Arrays.copyOfRange(plain, 70, 81),
                st.decrypt(tail, key, cid, 1, plain.length, r, SegmentStreams.randomChunks(random, tail.length, 50)));
        st.alloc.assertAllReleased();
    }

    @Test
    void cancelMidStreamReleasesEveryBuffer() {
        for (int take : new int[] {0, 1, 3}) {
            SegmentStreams st = new SegmentStreams(100, true);
            DataKey key = DataKey.generate();
            byte[] cid = randomBytes(16);
            byte[] plain = randomBytes(2000);
            List<byte[]> got = SegmentStreams.drain(st.encryptor.encrypt(
                    st.chunks(plain, 0, SegmentStreams.randomChunks(random, plain.length, 350)), key, cid, 1)
                    .take(take));
            assertEquals(take, got.size());
            st.alloc.assertAllReleased();

            byte[] stored = new SegmentStreams(100, false).encrypt(plain, key, cid, 1);
            List<byte[]> plainOut = SegmentStreams.drain(st.decryptor.decrypt(
                    st.chunks(stored, 0, SegmentStreams.randomChunks(random, stored.length, 350)), key, cid, 1,
                    plain.length, st.layout.whole(plain.length)).take(take));
            assertEquals(take, plainOut.size());
            st.alloc.assertAllReleased();
        }
    }

    @Test
    void upstreamErrorPropagatesAndReleasesEveryBuffer() {
        SegmentStreams st = new SegmentStreams(100, false);
        byte[] plain = randomBytes(1000);
        Flux<ByteBuf> broken = st.chunks(plain, 0, List.of(150, 150, 150))
                .concatWith(Flux.error(new IllegalStateException("client went away")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SegmentStreams.drain(
                st.encryptor.encrypt(broken, DataKey.generate(), randomBytes(16), 1)));
        assertEquals("client went away", e.getMessage());
        st.alloc.assertAllReleased();
    }

    @Test
    void slowConsumerOnAnotherThreadGetsEverySegmentInOrder() {
        SegmentStreams st = new SegmentStreams(1000, true);
        DataKey key = DataKey.generate();
        byte[] cid = randomBytes(16);
        byte[] plain = randomBytes(50_000);
        AtomicInteger emitted = new AtomicInteger();
        Flux<ByteBuf> enc = st.encryptor.encrypt(st.chunks(plain, 0, SegmentStreams.randomChunks(random,
                        plain.length, 7000)).subscribeOn(Schedulers.boundedElastic()), key, cid, 1)
                .doOnNext(b -> emitted.incrementAndGet())
                .limitRate(1)
                .publishOn(Schedulers.parallel(), 1)
                .delayElements(Duration.ofMillis(1));
        byte[] stored = SegmentStreams.concat(SegmentStreams.drain(enc));
        assertEquals(50, emitted.get());
        assertArrayEquals(plain, st.decryptWhole(stored, key, cid, 1, plain.length));
        st.alloc.assertAllReleased();
    }

    @Test
    void manyConcurrentStreamsHoppingThreadsDoNotInterfere() {
        // per-thread Ciphers are shared by every stream a thread serves; segments of one stream run on
        // whichever thread delivers its input
        SegmentStreams st = new SegmentStreams(512, false);
        List<byte[]> plains = new java.util.ArrayList<>();
        List<DataKey> keys = new java.util.ArrayList<>();
        List<byte[]> cids = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            plains.add(randomBytes(random.nextInt(20_000)));
            keys.add(DataKey.generate());
            cids.add(randomBytes(16));
        }
        List<List<Integer>> chunkings = new java.util.ArrayList<>();
        plains.forEach(p -> chunkings.add(SegmentStreams.randomChunks(random, p.length, 1500)));
        List<byte[]> results = Flux.range(0, 16)
                .flatMapSequential(i -> {
                    Flux<ByteBuf> hopping = st.chunks(plains.get(i), 0, chunkings.get(i))
                            .publishOn(Schedulers.parallel(), 1);
                    Flux<ByteBuf> stored = st.encryptor.encrypt(hopping, keys.get(i), cids.get(i), 1)
                            .publishOn(Schedulers.parallel(), 1);
                    return st.decryptor.decrypt(stored, keys.get(i), cids.get(i), 1, plains.get(i).length,
                                    st.layout.whole(plains.get(i).length))
                            .map(b -> {
                                byte[] x = new byte[b.readableBytes()];
                                b.readBytes(x).release();
                                return x;
                            })
                            .collectList()
                            .map(SegmentStreams::concat);
                }, 16)
                .collectList().block(Duration.ofSeconds(60));
        for (int i = 0; i < 16; i++) {
            assertArrayEquals(plains.get(i), results.get(i), "stream " + i);
        }
        st.alloc.assertAllReleased();
    }

    @Test
    void defaultPooledAllocatorRoundTrip() {
        // the production default: pooled buffers, checked by Netty's paranoid leak detector in this JVM
        SegmentEncryptor enc = new SegmentEncryptor(SegmentLayout.DEFAULT);
        SegmentDecryptor dec = new SegmentDecryptor(SegmentLayout.DEFAULT);
        DataKey key = DataKey.generate();
        byte[] cid = randomBytes(16);
        byte[] plain = randomBytes(S * 2 + 3);
        Flux<ByteBuf> in = Flux.just(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(plain));
        byte[] stored = SegmentStreams.concat(SegmentStreams.drain(enc.encrypt(in, key, cid, 1)));
        byte[] back = SegmentStreams.concat(SegmentStreams.drain(dec.decrypt(
                Flux.just(PooledByteBufAllocator.DEFAULT.heapBuffer().writeBytes(stored)), key, cid, 1,
                plain.length, SegmentLayout.DEFAULT.whole(plain.length))));
        assertArrayEquals(plain, back);
    }

    @Test
    void wholeSegmentDirectInputIsDecryptedInPlaceIntoDirectBuffers() {
        // the shard's reads: direct buffers holding whole stored segments (two each here, the last shorter)
        SegmentStreams st = new SegmentStreams(S, true);
        DataKey key = DataKey.generate();
        byte[] cid = randomBytes(16);
        byte[] plain = randomBytes(4 * S + 5);
        byte[] stored = st.encrypt(plain, key, cid, 1);
        int before = st.alloc.allocated();
        int two = 2 * (S + 16);
        Flux<ByteBuf> in = Flux.range(0, (stored.length + two - 1) / two).map(i -> {
            int n = Math.min(two, stored.length - i * two);
            return st.alloc.directBuffer(n).writeBytes(stored, i * two, n);
        });
        List<ByteBuf> out = st.decryptor.decrypt(in, key, cid, 1, plain.length, st.layout.whole(plain.length))
                .collectList().block();
        try {
            // one plaintext buffer per input: the whole segments of a read share one output buffer
            assertEquals(3, out.size());
            assertEquals(2 * S, out.get(0).readableBytes());
            for (ByteBuf b : out) {
                assertTrue(b.isDirect(), "plaintext for the socket is direct");
            }
            byte[] back = new byte[plain.length];
            int p = 0;
            for (ByteBuf b : out) {
                int n = b.readableBytes();
                b.getBytes(b.readerIndex(), back, p, n);
                p += n;
            }
            assertEquals(plain.length, p);
            assertArrayEquals(plain, back);
        } finally {
            out.forEach(ByteBuf::release);
        }
        // 3 input buffers and 3 plaintext buffers: no staging buffer, nothing copied before decryption
        assertEquals(3 + 3, st.alloc.allocated() - before);
        st.alloc.assertAllReleased();
    }

    @Test
    void oneLargeInputIsCutIntoRunsOfAtMostRunBytes() {
        // a caller may hand the decryptor far more than a sector read; no output buffer exceeds a run
        SegmentStreams st = new SegmentStreams(S, true);
        DataKey key = DataKey.generate();
        byte[] cid = randomBytes(16);
        int perRun = SegmentDecryptor.RUN_BYTES / S;
        byte[] plain = randomBytes((2 * perRun + 3) * S + 7);
        byte[] stored = st.encrypt(plain, key, cid, 1);
        // a range that starts inside the first segment and ends inside the last run
        long from = S / 2 + 1;
        long length = plain.length - from - 5;
        List<ByteBuf> out = st.decryptor.decrypt(Flux.just(st.alloc.directBuffer(stored.length).writeBytes(stored)),
                        key, cid, 1, plain.length, st.layout.forPlaintextRange(plain.length, from, from + length - 1))
                .collectList().block();
        try {
            assertEquals(3, out.size(), "two full runs and the rest");
            byte[] back = new byte[(int) length];
            int p = 0;
            for (ByteBuf b : out) {
                assertTrue(b.readableBytes() <= SegmentDecryptor.RUN_BYTES);
                b.getBytes(b.readerIndex(), back, p, b.readableBytes());
                p += b.readableBytes();
            }
            assertEquals(length, p);
            assertArrayEquals(Arrays.copyOfRange(plain, (int) from, (int) (from + length)), back);
        } finally {
            out.forEach(ByteBuf::release);
        }
        st.alloc.assertAllReleased();
    }

    @Test
    void segmentSplitAcrossDirectInputsIsStagedAndDecrypted() {
        SegmentStreams st = new SegmentStreams(S, true);
        DataKey key = DataKey.generate();
        byte[] cid = randomBytes(16);
        byte[] plain = randomBytes(3 * S);
        byte[] stored = st.encrypt(plain, key, cid, 1);
        // 1.5 stored segments per input: every other segment straddles two inputs
        int chunk = 3 * (S + 16) / 2;
        List<Integer> sizes = List.of(chunk, stored.length - chunk);
        Flux<ByteBuf> in = Flux.defer(() -> {
            int[] pos = {0};
            return Flux.fromIterable(sizes).map(n -> {
                ByteBuf b = st.alloc.directBuffer(n).writeBytes(stored, pos[0], n);
                pos[0] += n;
                return b;
            });
        });
        byte[] back = SegmentStreams.concat(SegmentStreams.drain(st.decryptor.decrypt(in, key, cid, 1, plain.length,
                st.layout.whole(plain.length))));
        assertArrayEquals(plain, back);
        st.alloc.assertAllReleased();
    }

    @Test
    void defaultDecryptorWritesPlaintextIntoItsOwnPoolNotTheReadersChunks() {
        // pooled direct input from the default allocator, as the shard's sector reads arrive
        SegmentEncryptor enc = new SegmentEncryptor(SegmentLayout.DEFAULT);
        SegmentDecryptor dec = new SegmentDecryptor(SegmentLayout.DEFAULT);
        DataKey key = DataKey.generate();
        byte[] cid = randomBytes(16);
        byte[] plain = randomBytes(S * 6 + 11);
        byte[] stored = SegmentStreams.concat(SegmentStreams.drain(enc.encrypt(
                Flux.just(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(plain)), key, cid, 1)));
        int four = 4 * (S + 16);
        Flux<ByteBuf> in = Flux.range(0, (stored.length + four - 1) / four).map(i -> {
            int n = Math.min(four, stored.length - i * four);
            return PooledByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(stored, i * four, n);
        });
        List<ByteBuf> out = dec.decrypt(in, key, cid, 1, plain.length, SegmentLayout.DEFAULT.whole(plain.length))
                .collectList().block();
        byte[] back = new byte[plain.length];
        int p = 0;
        try {
            for (ByteBuf b : out) {
                assertTrue(b.isDirect());
                assertTrue(b.alloc() == SegmentDecryptor.PLAINTEXT, "plaintext from the decryptor's own pool");
                b.getBytes(b.readerIndex(), back, p, b.readableBytes());
                p += b.readableBytes();
            }
        } finally {
            out.forEach(ByteBuf::release);
        }
        assertEquals(plain.length, p);
        assertArrayEquals(plain, back);
    }

    @Test
    void rangeThatDoesNotFitThePartIsRejected() {
        SegmentStreams st = new SegmentStreams(16, false);
        CiphertextRange r = st.layout.forPlaintextRange(100, 0, 99);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SegmentStreams.drain(
                st.decryptor.decrypt(Flux.empty(), DataKey.generate(), new byte[16], 1, 50, r)));
        assertTrue(e.getMessage().contains("does not fit"));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
