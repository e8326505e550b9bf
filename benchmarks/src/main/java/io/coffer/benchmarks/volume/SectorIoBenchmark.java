package io.coffer.benchmarks.volume;

import io.coffer.shard.volume.Extent;
import io.coffer.shard.volume.FsyncPolicy;
import io.coffer.shard.volume.GroupCommitter;
import io.coffer.shard.volume.SectorReader;
import io.coffer.shard.volume.SectorWriter;
import io.coffer.shard.volume.VolumeConfig;
import io.coffer.shard.volume.VolumeSet;
import io.coffer.shard.volume.WrittenSector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Sector I/O through the volume layer: streaming a sector into a volume (page cache only, and made durable with
 * the group committer), and sending a sector to a loopback socket either through buffered reads (file → pooled
 * direct buffer → socket) or zero-copy ({@code FileRegion} → {@code sendfile}).
 *
 * <p>Run: {@code java -jar benchmarks/target/coffer-benchmarks.jar SectorIoBenchmark}. Throughput in MB/s is
 * {@code size / score}. Compare with LIMITS.md: fsync after a 4 KiB append ≈ 170 µs, sendfile to loopback
 * ≈ 6.6 GB/s, loopback TCP ≈ 4 GB/s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class SectorIoBenchmark {
    /** 4 KiB: a small object; 64 KiB: one GCM segment; 1 MiB: a slice of a large object. */
    @Param({"4096", "65536", "1048576"})
    public int size;

    /** Network buffers arrive in chunks of at most this many bytes (reactor-netty's default is 64 KiB or less). */
    static final int BODY_CHUNK = 64 * 1024;
    static final long MIB = 1L << 20;

    Path dir;
    Scheduler io;
    VolumeSet volumes;
    SectorWriter writer;
    SectorReader reader;
    GroupCommitter committer;
    ByteBuf payload;
    Extent stored;
    ServerSocketChannel server;
    SocketChannel sink;
    Thread drain;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("coffer-sector-io-bench");
        io = Schedulers.newBoundedElastic(4, 10_000, "bench-io");
        VolumeConfig cfg = new VolumeConfig(256 * MIB, 256 * MIB, 1024 * MIB, 2048 * MIB, 0, FsyncPolicy.GROUP);
        volumes = VolumeSet.open(dir, cfg);
        writer = new SectorWriter(volumes, io);
        reader = new SectorReader(volumes, io);
        committer = new GroupCommitter(volumes, FsyncPolicy.GROUP, io);
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        payload = Unpooled.directBuffer(size).writeBytes(data);
        stored = writer.allocateAndWrite(size, body()).block().extent();
        openLoopback();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, InterruptedException {
        sink.close();
        server.close();
        drain.join(5000);
        committer.close();
        volumes.close();
        io.dispose();
        payload.release();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Streams a sector into the page cache (no fsync), then frees its space for the next iteration. */
    @Benchmark
    public int write() {
        WrittenSector w = writer.allocateAndWrite(size, body()).block();
        volumes.free(w.extent());
        return w.crc32c();
    }

    /** The durable write path of a PUT: stream, then group commit of the volume (one fsync when alone). */
    @Benchmark
    public int writeDurable() {
        WrittenSector w = writer.allocateAndWrite(size, body()).block();
        committer.commitVolumes(Set.of(w.extent().volumeIndex())).block();
        volumes.free(w.extent());
        return w.crc32c();
    }

    /** GET via buffered reads: 256 KiB chunks into pooled direct buffers, each written to the socket. */
    @Benchmark
    public long readBuffered() {
        return reader.read(stored, 0, size, PooledByteBufAllocator.DEFAULT)
                .map(buf -> {
                    try {
                        ByteBuffer nio = buf.nioBuffer();
                        int n = nio.remaining();
                        while (nio.hasRemaining()) {
                            sink.write(nio);
                        }
                        return (long) n;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        buf.release();
                    }
                })
                .reduce(0L, Long::sum)
                .block();
    }

    /** GET via zero copy: a FileRegion over the volume transferred to the socket (sendfile). */
    @Benchmark
    public long readZeroCopy() throws IOException {
        FileRegion region = reader.region(stored, 0, size);
        try {
            while (region.transferred() < region.count()) {
                region.transferTo(sink, region.transferred());
            }
            return region.transferred();
        } finally {
            region.release();
        }
    }

    private Flux<ByteBuf> body() {
        int chunks = (size + BODY_CHUNK - 1) / BODY_CHUNK;
        return Flux.range(0, chunks).map(i -> {
            int off = i * BODY_CHUNK;
            return payload.retainedSlice(off, Math.min(BODY_CHUNK, size - off));
        });
    }

    private void openLoopback() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        sink = SocketChannel.open(server.getLocalAddress());
        SocketChannel peer = server.accept();
        drain = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            try (peer) {
                while (peer.read(buf.clear()) >= 0) {
                    // discard: the receiving side of a GET is not what is measured
                }
            } catch (IOException ignored) {
                // the benchmark closed the connection
            }
        }, "bench-drain");
        drain.setDaemon(true);
        drain.start();
    }
}
