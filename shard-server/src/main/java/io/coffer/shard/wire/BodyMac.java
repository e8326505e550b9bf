package io.coffer.shard.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;

/**
 * The trailing MAC of a streamed sector body. A sector PUT cannot hash its body before sending it
 * (that would mean holding or reading it twice), so its signature says UNSIGNED-TRAILER and the body
 * ends with {@link #LENGTH} extra bytes: HMAC-SHA256(secret, "COFFER-SECTOR-TRAILER\n" + request
 * signature hex + "\n" + sector bytes). Binding the request signature ties the bytes to that one
 * request (sector id, length, date, nonce), so a tampered, truncated or spliced body fails.
 */
public final class BodyMac {
    public static final int LENGTH = 32;

    private final Mac mac;

    public BodyMac(ClusterSecret secret, String authorization) {
        this.mac = secret.newMac();
        mac.update(("COFFER-SECTOR-TRAILER\n" + authorization + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Adds the readable bytes of {@code buf} without moving its reader index. */
    public void update(ByteBuf buf, int index, int length) {
        if (length == 0) {
            return;
        }
        if (buf.nioBufferCount() == 1) {
            mac.update(buf.nioBuffer(index, length));
        } else {
            for (ByteBuffer b : buf.nioBuffers(index, length)) {
                mac.update(b);
            }
        }
    }

    public byte[] finish() {
        return mac.doFinal();
    }
}
