package io.coffer.shard.meta;

import io.coffer.shard.api.SectorId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Keys of the refs DBI: {@code sectorId (16) || owner (16)} with an empty value. An owner is a
 * version or an upload part, named by a 128-bit hash of what identifies it. Whether a sector is
 * referenced is answered by one range seek on its id, never by a counter that could drift.
 */
final class Refs {
    static final int OWNER_BYTES = 16;

    private Refs() {
    }

    static byte[] versionOwner(String bucket, String key, String versionId, long generation) {
        return owner("v", bucket, key, versionId, Long.toString(generation));
    }

    static byte[] partOwner(String uploadId, int partNumber) {
        return owner("p", uploadId, Integer.toString(partNumber));
    }

    static byte[] key(SectorId id, byte[] owner) {
        byte[] k = new byte[16 + OWNER_BYTES];
        id.writeTo(k, 0);
        System.arraycopy(owner, 0, k, 16, OWNER_BYTES);
        return k;
    }

    private static byte[] owner(String... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                byte[] b = p.getBytes(StandardCharsets.UTF_8);
                // length-prefixed so ("ab","c") and ("a","bc") differ
                d.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8),
                        (byte) b.length});
                d.update(b);
            }
            return Arrays.copyOf(d.digest(), OWNER_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
