package io.coffer.gateway.s3.multipart;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.Shard;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Aborts multipart uploads left incomplete for longer than {@code coffer.multipart.max-age}
 * (default 7 days), freeing their parts' sectors, like an S3 lifecycle rule
 * AbortIncompleteMultipartUpload applied to every bucket.
 */
@Singleton
public class UploadExpiry {
    private static final Logger LOG = LoggerFactory.getLogger(UploadExpiry.class);
    private static final int PAGE = 1000;

    private final Shard shard;
    private final Duration maxAge;

    public UploadExpiry(Shard shard, @Value("${coffer.multipart.max-age:7d}") Duration maxAge) {
        this.shard = shard;
        this.maxAge = maxAge;
    }

    @Scheduled(fixedDelay = "${coffer.multipart.expiry-interval:1h}", initialDelay = "${coffer.multipart.expiry-initial-delay:5m}")
    void run() {
        Long n = expire(System.currentTimeMillis()).onErrorResume(e -> {
            LOG.warn("expiring incomplete multipart uploads failed; retrying next interval: {}", e.toString());
            return Mono.just(0L);
        }).block();
        if (n != null && n > 0) {
            LOG.info("aborted {} multipart uploads older than {}", n, maxAge);
        }
    }

    /** Aborts every upload initiated before {@code nowMillis - maxAge}; the number aborted. */
    public Mono<Long> expire(long nowMillis) {
        long cutoff = nowMillis - maxAge.toMillis();
        return shard.listBuckets()
                .concatMap(b -> expired(b, "", "", cutoff))
                .concatMap(u -> shard.abortUpload(u.bucket(), u.key(), u.uploadId())
                        .thenReturn(1L)
                        .onErrorResume(e -> Mono.just(0L)))
                .reduce(0L, Long::sum);
    }

    private Flux<MultipartUpload> expired(BucketInfo bucket, String keyMarker, String idMarker, long cutoff) {
        return shard.listUploads(bucket.name(), "", keyMarker, idMarker, PAGE).flatMapMany(page -> {
            Flux<MultipartUpload> old = Flux.fromIterable(page).filter(u -> u.initiatedMillis() < cutoff);
            if (page.size() < PAGE) {
                return old;
            }
            MultipartUpload last = page.get(page.size() - 1);
            // collect this page's victims before paging on, so aborts never shift the listing under us
            List<MultipartUpload> victims = page.stream().filter(u -> u.initiatedMillis() < cutoff).toList();
            return Flux.fromIterable(victims).concatWith(expired(bucket, last.key(), last.uploadId(), cutoff));
        });
    }
}
