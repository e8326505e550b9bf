package io.coffer.shard.server;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

class NettyUnsafeCheckTest {
    @Test
    @EnabledForJreRange(max = JRE.JAVA_21)
    void silentWhereNettyHasUnsafe() {
        // the supported JDKs before 25 give Netty Unsafe without any flag
        assertNull(NettyUnsafeCheck.advice());
    }

    @Test
    void namesTheCauseAndTheFlag() {
        String advice = NettyUnsafeCheck.advice(false,
                new UnsupportedOperationException("io.netty.noUnsafe=true by default on Java 25+"));
        assertTrue(advice.contains("io.netty.noUnsafe=true by default on Java 25+"), advice);
        assertTrue(advice.contains("--sun-misc-unsafe-memory-access=allow"), advice);
        assertNull(NettyUnsafeCheck.advice(true, null));
    }
}
