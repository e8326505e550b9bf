package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;
import reactor.test.StepVerifier;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SectorReaderTest {
    private static final int CHUNK = 16 * 1024;

    @TempDir
    Path dataDir;

    private VolumeSet volumes;
    private Scheduler io;
    private SectorReader reader;
    private final TrackingAllocator alloc = new TrackingAllocator();
    private byte[] data;
    private Extent extent;

    @BeforeEach
    void open() {
        volumes = VolumeSet.open(dataDir, VolumeConfig.forTests());
        io = Schedulers.newBoundedElastic(4, 1000, "test-io");
        reader = new SectorReader(volumes, io, CHUNK);
        volumes.allocate(1000); // the sector does not start at the first data byte
        data = SectorWriterTest.random(200_003, 21);
        extent = volumes.allocate(data.length);
        volumes.volume(extent.volumeIndex()).write(ByteBuffer.wrap(data), extent.offset());
    }

    @AfterEach
    void close() {
        io.dispose();
        volumes.close();
    }

    @Test
    void readReturnsTheWholeSectorInChunks() {
        List<ByteBuf> chunks = reader.read(extent, 0, data.length, alloc).collectList().block(Duration.ofSeconds(10));
        assertEquals((data.length + cachedPiece() - 1) / cachedPiece(), chunks.size());
        assertArrayEquals(data, concatAndRelease(chunks));
        alloc.assertAllReleased();
    }

    @Test
    void readReturnsExactlyTheRequestedRange() {
        long[][] ranges = {{0, 1}, {1, 0}, {CHUNK - 1, 2}, {12_345, 100_000}, {data.length - 7, 7}, {data.length, 0}};
        for (long[] r : ranges) {
            byte[] got = concatAndRelease(reader.read(extent, r[0], r[1], alloc).collectList().block(Duration.ofSeconds(10)));
            assertArrayEquals(Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1])), got, "range " + r[0] + "+" + r[1]);
        }
        alloc.assertAllReleased();
    }

    @Test
    void rangesOutsideTheSectorAreRejected() {
        long[][] bad = {{-1, 10}, {0, data.length + 1L}, {data.length - 5, 6}, {data.length + 1L, 0}, {5, -1}};
        for (long[] r : bad) {
            StepVerifier.create(reader.read(extent, r[0], r[1], alloc))
                    .expectErrorMatches(e -> e instanceof ShardException se && se.code() == ShardException.Code.INVALID_ARGUMENT)
                    .verify(Duration.ofSeconds(5));
            ShardException e = assertThrows(ShardException.class, () -> reader.region(extent, r[0], r[1]));
            assertEquals(ShardException.Code.INVALID_ARGUMENT, e.code());
        }
        assertEquals(0, alloc.count());
    }

    @Test
    void extentInAnUnknownVolumeFailsTheReadInsteadOfThrowing() {
        Extent nowhere = new Extent(42, Volume.DATA_START, 10);
        StepVerifier.create(reader.read(nowhere, 0, 10, alloc))
                .expectErrorMatches(e -> e instanceof ShardException se && se.code() == ShardException.Code.INTERNAL)
                .verify(Duration.ofSeconds(5));
        assertThrows(ShardException.class, () -> reader.region(nowhere, 0, 10));
        assertEquals(0, alloc.count());
    }

    @Test
    void readReadsAheadOnlyAsFarAsDemandAllows() {
        StepVerifier.create(reader.read(extent, 0, data.length, alloc), 1)
                .assertNext(ByteBuf::release)
                .then(() -> sleep(200))
                .then(() -> assertTrue(alloc.count() <= SectorReader.READ_AHEAD + 1, "read " + alloc.count() + " chunks for 1 requested"))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        sleep(100);
        alloc.assertAllReleased();
    }

    @Test
    void cancellingAReadReleasesBuffersAlreadyRead() {
        StepVerifier.create(reader.read(extent, 0, data.length, alloc), 2)
                .assertNext(ByteBuf::release)
                .assertNext(ByteBuf::release)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        sleep(200);
        alloc.assertAllReleased();
    }

    @Test
    void aSmallReadOfCachedBytesRunsOnTheCallerWithoutTheScheduler() {
        // the sector was just written, so its pages are in the page cache
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        byte[] got = concatAndRelease(reader.read(extent, 100, 1000, alloc)
                .doOnNext(b -> threads.add(Thread.currentThread().getName()))
                .collectList().block(Duration.ofSeconds(10)));
        assertArrayEquals(Arrays.copyOfRange(data, 100, 1100), got);
        if (CachedReads.available()) {
            assertEquals(1, reader.cachedReads());
            assertEquals(List.of(Thread.currentThread().getName()), threads);
        } else {
            // this kernel or file system refused RWF_NOWAIT (the first try turned the fast path off):
            // the read went the scheduler's way and is still correct
            assertEquals(0, reader.cachedReads());
            assertTrue(threads.get(0).startsWith("test-io"), threads.toString());
        }
        alloc.assertAllReleased();
    }

    @Test
    void aLongReadOfCachedBytesRunsOnTheCallerChunkByChunk() {
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        byte[] got = concatAndRelease(reader.read(extent, 5, 3L * CHUNK + 17, alloc)
                .doOnNext(b -> threads.add(Thread.currentThread().getName()))
                .collectList().block(Duration.ofSeconds(10)));
        assertArrayEquals(Arrays.copyOfRange(data, 5, 5 + 3 * CHUNK + 17), got);
        assertEquals((3 * CHUNK + 17 + cachedPiece() - 1) / cachedPiece(), threads.size());
        String expected = CachedReads.available() ? Thread.currentThread().getName() : "test-io";
        assertTrue(threads.stream().allMatch(t -> t.startsWith(expected)), threads.toString());
        alloc.assertAllReleased();
    }

    @Test
    void chunksOfCachedBytesAreReadOnlyViewsOfTheMappedPageCache() {
        org.junit.jupiter.api.Assumptions.assumeTrue(MappedReads.available(), "no mincore here; reads copy");
        // a view holds no memory of its own, so one may span several chunks: 9 chunks + 17 bytes in three views
        List<ByteBuf> chunks = reader.read(extent, 5, 9L * CHUNK + 17, alloc).collectList().block(Duration.ofSeconds(10));
        assertEquals(List.of(4 * CHUNK, 4 * CHUNK, CHUNK + 17), chunks.stream().map(ByteBuf::readableBytes).toList());
        assertTrue(chunks.stream().allMatch(ByteBuf::isReadOnly), "views, not copies");
        assertEquals(3, reader.mappedReads());
        assertEquals(0, alloc.count(), "no buffer of our own was filled");
        assertArrayEquals(Arrays.copyOfRange(data, 5, 5 + 9 * CHUNK + 17), concatAndRelease(chunks));
    }

    /** Bytes per emitted buffer of a cached read: a view spans several chunks, a copy one. */
    private static int cachedPiece() {
        return MappedReads.available() ? SectorReader.VIEW_CHUNKS * CHUNK : CHUNK;
    }

    @Test
    void aChunkMissingFromThePageCacheSendsTheRestOfTheReadToTheScheduler() throws InterruptedException {
        Volume v = volumes.volume(extent.volumeIndex());
        v.force(); // clean pages can be dropped
        long dropFrom = extent.offset() + 2L * CHUNK;
        String caller = Thread.currentThread().getName();
        boolean sawMiss = false;
        boolean dropped = false;
        // DONTNEED cannot evict pages still parked in another CPU's LRU batch, so a drop may not take;
        // up to five rounds, each asserting the order, until one of them meets an uncached chunk
        for (int round = 0; round < 5 && !sawMiss; round++) {
            // drop the pages from the third chunk on (posix_fadvise DONTNEED), keep the first two cached
            dropped = PageCacheDrop.drop(v.path(), dropFrom, extent.end() - dropFrom);
            Thread.sleep(20 * round);
            long before = reader.cachedReads();
            List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
            byte[] got = concatAndRelease(reader.read(extent, 0, data.length, alloc)
                    .doOnNext(b -> threads.add(Thread.currentThread().getName()))
                    .collectList().block(Duration.ofSeconds(10)));
            assertArrayEquals(data, got);
            if (!CachedReads.available() || !dropped) {
                break;
            }
            // the cached chunks first, on the caller (the kernel's readahead, which the cached reads still
            // trigger, may have brought a few of the dropped ones back in time), then from the first miss on,
            // everything on the scheduler
            int onCaller = (int) (reader.cachedReads() - before);
            assertTrue(onCaller >= 2, "cached " + onCaller + ": " + threads);
            assertTrue(threads.subList(0, onCaller).stream().allMatch(caller::equals), threads.toString());
            assertTrue(threads.subList(onCaller, threads.size()).stream().allMatch(t -> t.startsWith("test-io")),
                    threads.toString());
            sawMiss = onCaller < threads.size();
        }
        if (CachedReads.available() && dropped) {
            assertTrue(sawMiss, "no round met an uncached chunk");
        }
        alloc.assertAllReleased();
    }

    @Test
    void aCachedReadCancelledBeforeDemandReleasesItsBuffer() {
        for (int i = 0; i < 20; i++) {
            StepVerifier.create(reader.read(extent, i * 10L, 500, alloc), 0)
                    .thenCancel()
                    .verify(Duration.ofSeconds(5));
        }
        alloc.assertAllReleased();
    }

    @Test
    void cachedReadsOfAClosedVolumeMissInsteadOfFailing() {
        Volume v = volumes.volume(extent.volumeIndex());
        ByteBuf target = Unpooled.directBuffer(64, 64);
        try {
            long address = target.memoryAddress();
            boolean before = v.readIfCached(address, 64, extent.offset());
            assertEquals(CachedReads.available(), before);
            if (before) {
                byte[] got = new byte[64];
                target.getBytes(0, got);
                assertArrayEquals(Arrays.copyOf(data, 64), got);
            }
            v.close();
            assertFalse(v.readIfCached(address, 64, extent.offset()));
        } finally {
            target.release();
        }
    }

    @Test
    void regionTransfersTheRangeToAWritableChannel() throws IOException {
        FileRegion region = reader.region(extent, 1000, 150_000);
        assertInstanceOf(DefaultFileRegion.class, region); // the epoll transport sends DefaultFileRegion with sendfile
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel target = Channels.newChannel(out);
        while (region.transferred() < region.count()) {
            region.transferTo(target, region.transferred());
        }
        assertArrayEquals(Arrays.copyOfRange(data, 1000, 151_000), out.toByteArray());
        assertTrue(region.release());
        assertTrue(volumes.volume(extent.volumeIndex()).channel().isOpen(), "releasing the region closed the volume");
    }

    @Test
    void regionIsSentZeroCopyOverALoopbackSocketAndLeavesTheVolumeOpen() throws IOException {
        long offset = 3;
        long length = data.length - 10;
        DisposableServer server = TcpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((in, out) -> out.sendObject(Mono.fromCallable(() -> reader.region(extent, offset, length))).then())
                .bindNow();
        try {
            for (int round = 0; round < 3; round++) {
                byte[] got = receive(server, (int) length);
                assertArrayEquals(Arrays.copyOfRange(data, (int) offset, (int) (offset + length)), got, "round " + round);
            }
            assertTrue(volumes.volume(extent.volumeIndex()).channel().isOpen());
        } finally {
            server.disposeNow();
        }
        // and the channel still serves buffered reads
        byte[] after = concatAndRelease(reader.read(extent, 0, 10, alloc).collectList().block(Duration.ofSeconds(5)));
        assertArrayEquals(Arrays.copyOf(data, 10), after);
        alloc.assertAllReleased();
    }

    @Test
    void crc32cOfASectorMatchesTheJdk() {
        CRC32C crc = new CRC32C();
        crc.update(data);
        assertEquals((int) crc.getValue(), reader.crc32c(extent));
        volumes.volume(extent.volumeIndex()).write(ByteBuffer.wrap(new byte[] {(byte) ~data[500]}), extent.offset() + 500);
        assertTrue(reader.crc32c(extent) != (int) crc.getValue(), "a flipped byte went unnoticed");
    }

    private static byte[] receive(DisposableServer server, int length) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[length];
            int n = 0;
            while (n < length) {
                int r = in.read(buf, n, length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            assertEquals(length, n, "short transfer");
            return buf;
        }
    }

    private static byte[] concatAndRelease(List<ByteBuf> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b : chunks) {
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            out.writeBytes(a);
            b.release();
        }
        return out.toByteArray();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
