package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.VolumeInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SectorWriterTest {
    @TempDir
    Path dataDir;

    private VolumeSet volumes;
    private Scheduler io;
    private SectorWriter writer;
    private final TrackingAllocator alloc = new TrackingAllocator();

    @BeforeEach
    void open() {
        volumes = VolumeSet.open(dataDir, VolumeConfig.forTests());
        io = Schedulers.newBoundedElastic(4, 1000, "test-io");
        writer = new SectorWriter(volumes, io);
    }

    @AfterEach
    void close() {
        io.dispose();
        volumes.close();
    }

    @Test
    void writesExactBytesAtTheExtentOffsetWithMatchingCrc32c() throws IOException {
        byte[] data = random(300_000, 1);
        volumes.allocate(777); // so the sector does not start at the first data byte
        Extent extent = volumes.allocate(data.length);

        WrittenSector w = writer.write(extent, data.length, chunks(data, 65_536)).block(Duration.ofSeconds(10));

        assertEquals(extent, w.extent());
        CRC32C crc = new CRC32C();
        crc.update(data);
        assertEquals((int) crc.getValue(), w.crc32c());
        assertArrayEquals(data, readFile(extent));
        alloc.assertAllReleased();
        assertTrue(alloc.count() >= 5);
    }

    @Test
    void compositeAndHeapBuffersAreWrittenInOrder() throws IOException {
        byte[] data = random(10_000, 2);
        Extent extent = volumes.allocate(data.length);
        CompositeByteBuf composite = alloc.compositeBuffer();
        composite.addComponent(true, alloc.directBuffer().writeBytes(data, 0, 3000));
        composite.addComponent(true, alloc.heapBuffer().writeBytes(data, 3000, 3000));
        ByteBuf heap = alloc.heapBuffer().writeBytes(data, 6000, 4000);

        writer.write(extent, data.length, Flux.just(composite, heap)).block(Duration.ofSeconds(10));

        assertArrayEquals(data, readFile(extent));
        alloc.assertAllReleased();
    }

    @Test
    void shortBodyIsRejectedAndItsSpaceFreed() {
        byte[] data = random(10_000, 3);
        Extent extent = volumes.allocate(data.length + 1);
        ShardException e = assertThrows(ShardException.class,
                () -> writer.write(extent, data.length + 1, chunks(data, 4096)).block(Duration.ofSeconds(10)));
        assertEquals(ShardException.Code.INVALID_ARGUMENT, e.code());
        assertEquals(0, volumes.allocator(0).used());
        alloc.assertAllReleased();
    }

    /** Repeated: the release of queued buffers raced the error signal once (fixed by checking before publishOn). */
    @RepeatedTest(10)
    void longBodyIsRejectedAndEveryBufferReleased() {
        byte[] data = random(100_000, 4);
        Extent extent = volumes.allocate(50_000);
        ShardException e = assertThrows(ShardException.class,
                () -> writer.write(extent, 50_000, chunks(data, 8192)).block(Duration.ofSeconds(10)));
        assertEquals(ShardException.Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("longer"), e.getMessage());
        assertEquals(0, volumes.allocator(0).used());
        alloc.assertAllReleased();
    }

    @Test
    void declaredLengthDifferentFromTheExtentIsRejected() {
        Extent extent = volumes.allocate(4096);
        ShardException e = assertThrows(ShardException.class,
                () -> writer.write(extent, 4000, chunks(random(4000, 5), 1000)).block(Duration.ofSeconds(10)));
        assertEquals(ShardException.Code.INVALID_ARGUMENT, e.code());
        assertEquals(0, volumes.allocator(0).used());
        alloc.assertAllReleased();
    }

    @Test
    void failingBodyFreesTheSpaceAndPropagatesTheError() {
        Extent extent = volumes.allocate(8192);
        Flux<ByteBuf> body = Flux.concat(chunks(random(4096, 6), 4096), Flux.error(new IllegalStateException("client went away")));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> writer.write(extent, 8192, body).block(Duration.ofSeconds(10)));
        assertEquals("client went away", e.getMessage());
        assertEquals(0, volumes.allocator(0).used());
        alloc.assertAllReleased();
    }

    @RepeatedTest(3)
    void cancellingTheWriteFreesTheSpaceOnce() throws InterruptedException {
        Extent extent = volumes.allocate(8192);
        Sinks.Many<ByteBuf> body = Sinks.many().unicast().onBackpressureBuffer();
        var disposable = writer.write(extent, 8192, body.asFlux()).subscribe();
        body.tryEmitNext(alloc.directBuffer().writeBytes(random(4096, 7)));
        Thread.sleep(100);
        disposable.dispose();
        Thread.sleep(100);
        assertEquals(0, volumes.allocator(0).used());
        // the writer no longer accepts buffers: a late one stays with its sender
        ByteBuf late = alloc.directBuffer().writeBytes(random(4096, 8));
        assertTrue(body.tryEmitNext(late).isFailure());
        late.release();
        alloc.assertAllReleased();
    }

    @RepeatedTest(3)
    void anIoErrorFailsTheWriteFreesTheSpaceAndReleasesBuffers() {
        Extent extent = volumes.allocate(3 * 65_536);
        Sinks.Many<ByteBuf> body = Sinks.many().unicast().onBackpressureBuffer();
        var result = writer.write(extent, extent.length(), body.asFlux()).toFuture();
        emit(body, alloc.directBuffer().writeBytes(random(65_536, 14)));
        volumes.volume(0).close(); // the disk goes away under the write
        emit(body, alloc.directBuffer().writeBytes(random(65_536, 15)));
        emit(body, alloc.directBuffer().writeBytes(random(65_536, 16)));
        body.tryEmitComplete();
        var e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ShardException.class, e.getCause());
        assertEquals(ShardException.Code.INTERNAL, ((ShardException) e.getCause()).code());
        assertEquals(0, volumes.allocator(0).used());
        sleepQuietly(100);
        alloc.assertAllReleased();
    }

    @Test
    void emptySectorHasCrcZero() {
        Extent extent = volumes.allocate(0);
        WrittenSector w = writer.write(extent, 0, Flux.empty()).block(Duration.ofSeconds(10));
        assertEquals(0, w.crc32c());
    }

    @Test
    void allocateAndWriteStoresTheBodyInNewSpace() throws IOException {
        byte[] data = random(5000, 9);
        WrittenSector w = writer.allocateAndWrite(data.length, chunks(data, 1000)).block(Duration.ofSeconds(10));
        assertEquals(data.length, w.extent().length());
        assertArrayEquals(data, readFile(w.extent()));
        assertEquals(ExtentAllocator.reserved(5000), volumes.allocator(0).used());
        alloc.assertAllReleased();
    }

    @Test
    void allocateAndWriteWithoutSpaceFailsWithNoSpaceAndReleasesTheBody() {
        // fill the set to its maximum total size (64 MiB in the test config) with 64 KiB extents,
        // so no gap of 100 kB is left anywhere
        ShardException full = assertThrows(ShardException.class, () -> {
            for (int i = 0; i < 2000; i++) {
                volumes.allocate(64 * 1024);
            }
        });
        assertEquals(ShardException.Code.NO_SPACE, full.code());
        long used = volumes.info().stream().mapToLong(VolumeInfo::used).sum();
        byte[] data = random(100_000, 14);
        ShardException e = assertThrows(ShardException.class,
                () -> writer.allocateAndWrite(data.length, chunks(data, 1000)).block(Duration.ofSeconds(10)));
        assertEquals(ShardException.Code.NO_SPACE, e.code());
        assertEquals(used, volumes.info().stream().mapToLong(VolumeInfo::used).sum());
        // the error reaches the caller before publishOn's drain loop clears its queue: give it a moment
        for (int i = 0; i < 100 && alloc.live() > 0; i++) {
            sleepQuietly(20);
        }
        alloc.assertAllReleased();
    }

    @Test
    void allocateAndWriteOfAnEmptyBodyStillGetsItsExtent() {
        // no buffer ever arrives, so the extent is allocated when the body ends
        WrittenSector empty = writer.allocateAndWrite(0, Flux.empty()).block(Duration.ofSeconds(10));
        assertEquals(0, empty.extent().length());
        assertEquals(0, empty.crc32c());
        ShardException e = assertThrows(ShardException.class,
                () -> writer.allocateAndWrite(10, Flux.empty()).block(Duration.ofSeconds(10)));
        assertEquals(ShardException.Code.INVALID_ARGUMENT, e.code());
        assertEquals(ExtentAllocator.reserved(0), volumes.allocator(0).used(), "the short body's extent was not freed");
    }

    @Test
    void concurrentWritesToNeighbouringExtentsDoNotMix() throws IOException {
        List<byte[]> bodies = List.of(random(70_000, 10), random(4112, 11), random(123_457, 12), random(1, 13));
        List<WrittenSector> written = Flux.fromIterable(bodies)
                .flatMap(b -> writer.allocateAndWrite(b.length, chunks(b, 3000)), 4)
                .collectList().block(Duration.ofSeconds(10));
        for (WrittenSector w : written) {
            byte[] expected = bodies.stream().filter(b -> b.length == w.extent().length()).findFirst().orElseThrow();
            assertArrayEquals(expected, readFile(w.extent()));
        }
        alloc.assertAllReleased();
    }

    /** A body that allocates each buffer only when requested, like a network source. */
    private Flux<ByteBuf> chunks(byte[] data, int size) {
        int n = (data.length + size - 1) / size;
        return Flux.range(0, n).map(i -> {
            int off = i * size;
            return alloc.directBuffer(size).writeBytes(data, off, Math.min(size, data.length - off));
        });
    }

    private byte[] readFile(Extent e) throws IOException {
        byte[] out = new byte[(int) e.length()];
        try (RandomAccessFile raf = new RandomAccessFile(volumes.volume(e.volumeIndex()).path().toFile(), "r")) {
            raf.seek(e.offset());
            raf.readFully(out);
        }
        return out;
    }

    /** Like a network source: a buffer the writer no longer accepts (it failed and cancelled) stays with the sender. */
    private static void emit(Sinks.Many<ByteBuf> body, ByteBuf buf) {
        if (body.tryEmitNext(buf).isFailure()) {
            buf.release();
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
