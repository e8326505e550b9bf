package io.coffer.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.store.SendWindow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A response body that holds a buffer before it is sent (a GET's verified first segment) is released
 * when the exchange ends without sending it, whichever comes first of the response and the end, and is
 * never drained after it was sent.
 */
class UnsentBodyTest {

    private static ByteBuf segment() {
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64 * 1024);
        b.writeZero(64 * 1024);
        return b;
    }

    @Test
    void aOneBufferBodyThatIsNeverSentIsReleased() {
        ByteBuf first = segment();
        UnsentBody unsent = new UnsentBody();
        unsent.track(S3Response.ok().body(Mono.just(first), first.readableBytes()));
        assertEquals(1, first.refCnt());
        unsent.end();
        assertEquals(0, first.refCnt());
    }

    @Test
    void aStreamedBodyGivesUpItsFirstSegmentAndNeverReadsTheRest() {
        // the shape ReadPipeline.readVerifyingFirst answers: the held segment, then a tail read on demand
        ByteBuf first = segment();
        AtomicBoolean tailRead = new AtomicBoolean();
        AtomicBoolean keyDestroyed = new AtomicBoolean();
        Flux<ByteBuf> tail = Flux.defer(() -> {
            tailRead.set(true);
            return Flux.just(segment());
        });
        Flux<ByteBuf> body = SendWindow.of(Flux.concat(Mono.just(first), tail)
                .doFinally(s -> keyDestroyed.set(true)), SendWindow.DEFAULT_LIMIT);
        UnsentBody unsent = new UnsentBody();
        unsent.track(S3Response.ok().body(body, 10L << 20));
        unsent.end();
        assertEquals(0, first.refCnt());
        assertFalse(tailRead.get(), "the rest of the object was read to be thrown away");
        assertTrue(keyDestroyed.get(), "the body's stages were not told it is over");
    }

    @Test
    void aResponseThatArrivesAfterTheExchangeEndedIsReleasedOnArrival() {
        ByteBuf first = segment();
        UnsentBody unsent = new UnsentBody();
        unsent.end();
        unsent.track(S3Response.ok().body(Mono.just(first), first.readableBytes()));
        assertEquals(0, first.refCnt());
    }

    @Test
    void aSentBodyIsLeftToWhoeverSentIt() {
        AtomicInteger subscriptions = new AtomicInteger();
        List<ByteBuf> made = new java.util.ArrayList<>();
        Flux<ByteBuf> source = Flux.defer(() -> {
            subscriptions.incrementAndGet();
            ByteBuf b = segment();
            made.add(b);
            return Flux.just(b);
        });
        UnsentBody unsent = new UnsentBody();
        S3Response r = unsent.track(S3Response.ok().body(source, 64 * 1024));
        // the transport subscribes, writes and releases
        Flux.from(r.body()).doOnNext(ByteBuf::release).blockLast();
        unsent.end();
        assertEquals(1, subscriptions.get(), "the body was drained again after it was sent");
        assertEquals(0, made.get(0).refCnt());
        // and a second subscriber (a transport that retries) gets nothing rather than a second read
        assertEquals(0L, Flux.from(r.body()).count().block());
        assertEquals(1, subscriptions.get());
    }

    @Test
    void aOneBufferBodyKeepsItsMonoShapeForTheFullResponsePath() {
        UnsentBody unsent = new UnsentBody();
        S3Response r = unsent.track(S3Response.ok().xmlBody("<a/>"));
        assertTrue(r.body() instanceof Mono, "S3Server sends a Mono body as one full response");
        ByteBuf b = Mono.from(r.body()).block();
        assertEquals("<a/>", b.toString(java.nio.charset.StandardCharsets.UTF_8));
        b.release();
        unsent.end();
    }

    @Test
    void aLazyBodyThatIsNeverSentIsMadeOnceAndGivenBack() {
        // an XML document (a HEAD of a missing key answers one that is never sent)
        AtomicInteger made = new AtomicInteger();
        ByteBuf doc = segment();
        UnsentBody unsent = new UnsentBody();
        unsent.track(S3Response.ok().body(Mono.fromSupplier(() -> {
            made.incrementAndGet();
            return doc;
        }), doc.readableBytes()));
        unsent.end();
        unsent.end();
        assertEquals(1, made.get());
        assertEquals(0, doc.refCnt());
    }
}
