package io.coffer.gateway.s3;

import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.Test;
import reactor.netty.channel.AbortedException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which failures are the client's (4xx, logged quietly) and which the server's (5xx, logged as errors). */
class S3ErrorsTest {
    @Test
    void aClientThatHungUpOrStalledIsAClientErrorNotAServerFault() {
        S3Exception gone = S3Errors.from(new AbortedException("Connection has been closed"), "/b/k");
        assertEquals(S3Error.INCOMPLETE_BODY, gone.error());
        assertFalse(S3Errors.isServerFault(gone.error()));
        S3Exception stalled = S3Errors.from(ReadTimeoutException.INSTANCE, "/b/k");
        assertEquals(S3Error.REQUEST_TIMEOUT, stalled.error());
        assertEquals(400, stalled.error().status());
        assertFalse(S3Errors.isServerFault(stalled.error()));
    }

    @Test
    void anUnexpectedExceptionIsAnInternalError() {
        S3Exception e = S3Errors.from(new IllegalStateException("bug"), "/b/k");
        assertEquals(S3Error.INTERNAL_ERROR, e.error());
        assertTrue(S3Errors.isServerFault(e.error()));
    }
}
