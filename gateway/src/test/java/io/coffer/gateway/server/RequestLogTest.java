package io.coffer.gateway.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.coffer.gateway.GatewayTestBase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The per-request DEBUG line: one per request, with the fields operators need and no secrets. */
class RequestLogTest extends GatewayTestBase {

    @Test
    void oneStructuredLinePerRequestWithoutSecrets() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("io.coffer.gateway.request");
        Level before = log.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        log.setLevel(Level.DEBUG);
        try {
            String bucket = newBucketName("log");
            rootClient().createBucket(b -> b.bucket(bucket));
            RawResponse r = raw("GET", "/" + bucket + "?list-type=2", signedHeaders("GET", "/" + bucket + "?list-type=2",
                    Map.of()), null);
            String id = r.header("x-amz-request-id");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (appender.list.stream().noneMatch(e -> e.getFormattedMessage().contains(id))
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            String line = lines.stream().filter(l -> l.contains("id=" + id)).findFirst().orElseThrow();
            assertTrue(line.startsWith("method=GET op=ListObjectsV2 bucket=" + bucket + " key=null status=200"), line);
            assertTrue(line.matches(".* in=0 out=\\d+ us=\\d+ id=" + id), line);
            assertTrue(lines.stream().anyMatch(l -> l.contains("op=CreateBucket") && l.contains("status=200")), lines.toString());
            for (String l : lines) {
                assertFalse(l.contains(ROOT_SECRET), l);
                assertFalse(l.contains("Signature="), l);
            }
        } finally {
            log.detachAppender(appender);
            log.setLevel(before);
        }
    }
}
