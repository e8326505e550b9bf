package io.coffer.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class BufferedBodyTest {

    private static Flux<ByteBuf> body(List<ByteBuf> bufs) {
        return Flux.fromIterable(bufs);
    }

    private static List<ByteBuf> chunks(int... sizes) {
        return java.util.Arrays.stream(sizes).mapToObj(n -> Unpooled.buffer(n).writeZero(n)).toList();
    }

    @Test
    void bodiesReadAheadShareOneBudgetAndGiveItBackWhenTheRequestEnds() {
        BufferedBody.Budget budget = new BufferedBody.Budget(10);
        BufferedBody first = BufferedBody.read(body(chunks(3, 3)), 100, budget).block();
        assertEquals(6, first.length());
        assertEquals(6, budget.used());
        List<ByteBuf> second = chunks(3, 3);
        S3Exception e = assertThrows(S3Exception.class, () -> BufferedBody.read(body(second), 100, budget).block());
        assertEquals(S3Error.SLOW_DOWN, e.error());
        assertEquals(6, budget.used(), "the refused body gave back what it had reserved");
        second.forEach(b -> assertEquals(0, b.refCnt()));
        first.flux().doOnNext(ByteBuf::release).blockLast();
        first.releaseUnclaimed();
        assertEquals(0, budget.used());
        first.releaseUnclaimed();
        assertEquals(0, budget.used(), "given back once");
    }

    @Test
    void aBodyOverTheLimitIsMissingContentLengthAndHoldsNothing() {
        BufferedBody.Budget budget = new BufferedBody.Budget(1000);
        List<ByteBuf> bufs = chunks(4, 4, 4);
        S3Exception e = assertThrows(S3Exception.class, () -> BufferedBody.read(body(bufs), 10, budget).block());
        assertEquals(S3Error.MISSING_CONTENT_LENGTH, e.error());
        assertEquals(0, budget.used());
        bufs.forEach(b -> assertEquals(0, b.refCnt()));
    }

    @Test
    void anUnclaimedBodyIsReleasedAtTheEnd() {
        BufferedBody.Budget budget = new BufferedBody.Budget(100);
        List<ByteBuf> bufs = chunks(5, 5);
        BufferedBody b = BufferedBody.read(body(bufs), 100, budget).block();
        b.releaseUnclaimed();
        bufs.forEach(x -> assertEquals(0, x.refCnt()));
        assertEquals(0, budget.used());
    }
}
