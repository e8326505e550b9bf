package io.coffer.crypto.segment;

import io.coffer.crypto.key.DataKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import reactor.core.publisher.Flux;

/** Test plumbing: feed byte arrays through the streams in chosen chunkings and collect the output. */
final class SegmentStreams {
    final SegmentLayout layout;
    final TrackingAllocator alloc;
    final SegmentEncryptor encryptor;
    final SegmentDecryptor decryptor;

    SegmentStreams(int segmentSize, boolean direct) {
        this.layout = new SegmentLayout(segmentSize);
        this.alloc = new TrackingAllocator(direct);
        this.encryptor = new SegmentEncryptor(layout, alloc);
        this.decryptor = new SegmentDecryptor(layout, alloc);
    }

    /** Chunk sizes covering {@code total}: random in 1..max. */
    static List<Integer> randomChunks(Random r, int total, int max) {
        List<Integer> sizes = new ArrayList<>();
        for (int left = total; left > 0; ) {
            int n = Math.min(left, 1 + r.nextInt(max));
            sizes.add(n);
            left -= n;
        }
        return sizes;
    }

    /**
     * Input buffers made lazily (only when requested, as a network body would be); every third one is a
     * two-component composite to exercise the copying path.
     */
    Flux<ByteBuf> chunks(byte[] data, int offset, List<Integer> sizes) {
        return Flux.defer(() -> {
            int[] pos = {offset};
            int[] i = {0};
            return Flux.fromIterable(sizes).map(n -> {
                int p = pos[0];
                pos[0] += n;
                if (i[0]++ % 3 == 2 && n >= 2) {
                    CompositeByteBuf c = alloc.compositeBuffer(2);
                    c.addComponent(true, alloc.buffer(n / 2).writeBytes(data, p, n / 2));
                    c.addComponent(true, alloc.buffer(n - n / 2).writeBytes(data, p + n / 2, n - n / 2));
                    return (ByteBuf) c;
                }
                return alloc.buffer(n).writeBytes(data, p, n);
            });
        });
    }

    /** Each emitted buffer's bytes, buffers released. */
    static List<byte[]> drain(Flux<ByteBuf> flux) {
        return flux.map(b -> {
            try {
                byte[] out = new byte[b.readableBytes()];
                b.readBytes(out);
                return out;
            } finally {
                b.release();
            }
        }).collectList().block();
    }

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        parts.forEach(p -> o.write(p, 0, p.length));
        return o.toByteArray();
    }

    byte[] encrypt(byte[] plain, List<Integer> chunks, DataKey key, byte[] contentId, int part) {
        return concat(drain(encryptor.encrypt(chunks(plain, 0, chunks), key, contentId, part)));
    }

    byte[] encrypt(byte[] plain, DataKey key, byte[] contentId, int part) {
        return encrypt(plain, plain.length == 0 ? List.of() : List.of(plain.length), key, contentId, part);
    }

    byte[] decrypt(byte[] stored, DataKey key, byte[] contentId, int part, long plainLength, CiphertextRange range,
                   List<Integer> chunks) {
        return concat(drain(decryptor.decrypt(chunks(stored, 0, chunks), key, contentId, part, plainLength,
                range)));
    }

    byte[] decryptWhole(byte[] stored, DataKey key, byte[] contentId, int part, long plainLength) {
        return decrypt(stored, key, contentId, part, plainLength, layout.whole(plainLength),
                stored.length == 0 ? List.of() : List.of(stored.length));
    }
}
