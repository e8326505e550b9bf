package io.coffer.gateway.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

class SendWindowTest {
    private static final int KIB = 1024;

    /** {@code count} buffers of {@code size} bytes, each filled with its index (as a byte); counts what was produced. */
    private static Flux<ByteBuf> body(int count, int size, AtomicInteger produced, List<ByteBuf> made) {
        return Flux.range(0, count).map(i -> {
            produced.incrementAndGet();
            byte[] fill = new byte[size];
            java.util.Arrays.fill(fill, (byte) (int) i);
            // one bulk write: paranoid leak detection records every access of a buffer
            ByteBuf b = Unpooled.directBuffer(size).writeBytes(fill);
            made.add(b);
            return b;
        });
    }

    @Test
    void holdsNoMoreThanTheWindowUnreleasedAndResumesOnRelease() {
        AtomicInteger produced = new AtomicInteger();
        List<ByteBuf> made = new CopyOnWriteArrayList<>();
        List<ByteBuf> got = new ArrayList<>();
        List<Byte> firstBytes = new ArrayList<>();
        AtomicBoolean completed = new AtomicBoolean();
        // a subscriber like the transport's: asks for 128 at once and keeps what it got
        SendWindow.of(body(20, KIB, produced, made), 4 * KIB).subscribe(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                s.request(128);
            }

            @Override
            protected void hookOnNext(ByteBuf b) {
                got.add(b);
                firstBytes.add(b.getByte(0));
            }

            @Override
            protected void hookOnComplete() {
                completed.set(true);
            }
        });
        assertEquals(4, got.size(), "4 KiB window, 1 KiB buffers");
        assertEquals(4, produced.get(), "nothing produced beyond the window");
        got.get(0).release();
        got.get(1).release();
        assertEquals(6, got.size());
        for (int i = 2; i < 20; i++) {
            got.get(i).release();
        }
        assertTrue(completed.get());
        assertEquals(20, got.size());
        for (int i = 0; i < 20; i++) {
            assertEquals((byte) i, firstBytes.get(i), "order kept");
        }
        made.forEach(b -> assertEquals(0, b.refCnt()));
    }

    @Test
    void retainThenTwoReleasesReturnTheBytesOnceOnTheLast() {
        AtomicInteger produced = new AtomicInteger();
        List<ByteBuf> made = new CopyOnWriteArrayList<>();
        List<ByteBuf> got = new ArrayList<>();
        SendWindow.of(body(3, KIB, produced, made), KIB).subscribe(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            protected void hookOnNext(ByteBuf b) {
                got.add(b);
            }
        });
        assertEquals(1, got.size());
        ByteBuf first = got.get(0);
        assertTrue(first.retain() == first, "retain keeps the tracked wrapper (encoders retain and pass it on)");
        first.release();
        assertEquals(1, got.size(), "still referenced: the window stays full");
        first.release();
        assertEquals(2, got.size());
        got.get(1).release();
        got.get(2).release();
        assertEquals(3, produced.get());
        made.forEach(b -> assertEquals(0, b.refCnt()));
    }

    @Test
    void releasesOnAnotherThreadStreamEveryByteInOrder() {
        Scheduler loop = Schedulers.newSingle("fake-event-loop");
        try {
            AtomicInteger produced = new AtomicInteger();
            List<ByteBuf> made = new CopyOnWriteArrayList<>();
            AtomicLong sum = new AtomicLong();
            AtomicInteger next = new AtomicInteger();
            Long n = SendWindow.of(body(2000, 3 * KIB, produced, made).subscribeOn(Schedulers.parallel()), 16 * KIB)
                    .publishOn(loop, 128)
                    .map(b -> {
                        assertEquals((byte) next.getAndIncrement(), b.getByte(0));
                        int r = b.readableBytes();
                        b.release();
                        return (long) r;
                    })
                    .reduce(0L, Long::sum)
                    .block(Duration.ofSeconds(30));
            sum.set(n);
            assertEquals(2000L * 3 * KIB, sum.get());
            made.forEach(b -> assertEquals(0, b.refCnt()));
        } finally {
            loop.dispose();
        }
    }

    @Test
    void cancelStopsAskingAndLateReleasesAreHarmless() {
        AtomicInteger produced = new AtomicInteger();
        List<ByteBuf> made = new CopyOnWriteArrayList<>();
        List<ByteBuf> got = new ArrayList<>();
        AtomicBoolean upstreamCancelled = new AtomicBoolean();
        BaseSubscriber<ByteBuf> s = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription sub) {
                sub.request(128);
            }

            @Override
            protected void hookOnNext(ByteBuf b) {
                got.add(b);
            }
        };
        SendWindow.of(body(10, KIB, produced, made).doOnCancel(() -> upstreamCancelled.set(true)), 2 * KIB)
                .subscribe(s);
        assertEquals(2, got.size());
        s.cancel();
        assertTrue(upstreamCancelled.get());
        got.forEach(ByteBuf::release);
        assertEquals(2, produced.get(), "no request after cancel");
        made.forEach(b -> assertEquals(0, b.refCnt()));
    }

    @Test
    void windowMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> SendWindow.of(Flux.empty(), 0));
    }

    @Test
    void bodyThroughARealSocketArrivesWholeAndEveryBufferIsReleased() {
        // the transport (HTTP encoder, channel outbound buffer) must release the wrapper itself, or the
        // window never reopens and this GET would hang: 8 MiB through a 256 KiB window
        byte[] data = new byte[8 << 20];
        new Random(5).nextBytes(data);
        int seg = 64 * KIB;
        List<ByteBuf> made = new CopyOnWriteArrayList<>();
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((req, res) -> res.header("Content-Length", Integer.toString(data.length))
                        .send(SendWindow.of(Flux.range(0, data.length / seg).map(i -> {
                            ByteBuf b = Unpooled.directBuffer(seg).writeBytes(data, i * seg, seg);
                            made.add(b);
                            return b;
                        }), 256 * KIB)))
                .bindNow();
        try {
            byte[] back = HttpClient.create().get().uri("http://127.0.0.1:" + server.port() + "/o")
                    .responseContent().aggregate().asByteArray().block(Duration.ofSeconds(60));
            assertArrayEquals(data, back);
        } finally {
            server.disposeNow();
        }
        assertEquals(data.length / seg, made.size());
        made.forEach(b -> assertEquals(0, b.refCnt()));
    }
}
