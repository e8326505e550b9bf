package io.coffer.shard.meta;

import io.coffer.shard.api.ShardException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * LMDB key layout for rows that must list in (bucket, object key) order: {@code bucket 0x00
 * keyPart suffix}, where the suffix orders rows of one key (the inverted generation of a version,
 * the id of an upload).
 *
 * <p>LMDB keys are at most 511 bytes but S3 keys go to 1024, so a key longer than
 * {@code inlineBytes} is stored as its first {@code inlineBytes} bytes, a 0x01 marker and an 8-byte
 * hash of the whole key ("long form"); the full key is in the value. A short key is followed by a
 * 0x00 terminator ("short form"), which is why keys may not contain U+0000. The layout preserves
 * binary key order everywhere except inside a "long group" (long keys sharing the same inline
 * prefix), which sorts by hash; {@link OrderedCursor} reads such a group whole and sorts it.
 *
 * <p>Why the order holds: a short key {@code k} shorter than another key {@code j} that starts with
 * it ends with 0x00, smaller than any byte of {@code j}; a short key of exactly {@code inlineBytes}
 * bytes ends with 0x00 while the long keys extending it continue with 0x01; UTF-8 never contains
 * 0xFF, so {@code prefix 0xFF} lies after every key that starts with {@code prefix}.
 */
final class OrderedKeys {
    static final int MAX_BUCKET_BYTES = 63;
    static final int MAX_KEY_BYTES = 1024;
    static final int HASH_BYTES = 8;
    private static final byte SHORT = 0x00;
    private static final byte LONG = 0x01;
    private static final byte PAST = (byte) 0xFF;

    private final int inlineBytes;

    OrderedKeys(int inlineBytes) {
        this.inlineBytes = inlineBytes;
    }

    int inlineBytes() {
        return inlineBytes;
    }

    static byte[] bucketPrefix(String bucket) {
        byte[] b = bucketBytes(bucket);
        return Arrays.copyOf(b, b.length + 1);
    }

    static byte[] bucketBytes(String bucket) {
        byte[] b = bucket.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > MAX_BUCKET_BYTES || indexOfZero(b) >= 0) {
            throw new ShardException(ShardException.Code.INVALID_ARGUMENT, "invalid bucket name");
        }
        return b;
    }

    /** UTF-8 bytes of an object key, rejecting what the layout cannot hold. */
    static byte[] keyBytes(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (k.length > MAX_KEY_BYTES) {
            throw new ShardException(ShardException.Code.INVALID_ARGUMENT, "key longer than 1024 bytes");
        }
        if (indexOfZero(k) >= 0) {
            throw new ShardException(ShardException.Code.INVALID_ARGUMENT, "key contains U+0000");
        }
        return k;
    }

    boolean isLong(byte[] key) {
        return key.length > inlineBytes;
    }

    /** The full row key. */
    byte[] rowKey(byte[] bucketPrefix, byte[] key, byte[] suffix) {
        byte[] part = keyPart(key);
        byte[] out = new byte[bucketPrefix.length + part.length + suffix.length];
        System.arraycopy(bucketPrefix, 0, out, 0, bucketPrefix.length);
        System.arraycopy(part, 0, out, bucketPrefix.length, part.length);
        System.arraycopy(suffix, 0, out, bucketPrefix.length + part.length, suffix.length);
        return out;
    }

    byte[] keyPart(byte[] key) {
        if (!isLong(key)) {
            byte[] out = Arrays.copyOf(key, key.length + 1);
            out[key.length] = SHORT;
            return out;
        }
        byte[] out = new byte[inlineBytes + 1 + HASH_BYTES];
        System.arraycopy(key, 0, out, 0, inlineBytes);
        out[inlineBytes] = LONG;
        System.arraycopy(hash(key), 0, out, inlineBytes + 1, HASH_BYTES);
        return out;
    }

    /** Seek target: first row whose key is >= {@code key} (for a long key: the start of its group). */
    byte[] seekAtOrAfter(byte[] bucketPrefix, byte[] key) {
        return isLong(key) ? groupPrefix(bucketPrefix, key) : concat(bucketPrefix, key);
    }

    /** Seek target: first row whose key is > {@code key} (for a long key: the start of its group). */
    byte[] seekAfter(byte[] bucketPrefix, byte[] key) {
        return isLong(key) ? groupPrefix(bucketPrefix, key) : concat(bucketPrefix, key, new byte[] {LONG});
    }

    /** Seek target: first row whose key does not start with {@code prefix} and is greater than it. */
    byte[] seekPastPrefix(byte[] bucketPrefix, byte[] prefix) {
        return isLong(prefix) ? groupPrefix(bucketPrefix, prefix) : concat(bucketPrefix, prefix, new byte[] {PAST});
    }

    /** The raw-key prefix shared by every long key with the same first {@code inlineBytes} bytes. */
    byte[] groupPrefix(byte[] bucketPrefix, byte[] key) {
        byte[] out = new byte[bucketPrefix.length + inlineBytes + 1];
        System.arraycopy(bucketPrefix, 0, out, 0, bucketPrefix.length);
        System.arraycopy(key, 0, out, bucketPrefix.length, inlineBytes);
        out[out.length - 1] = LONG;
        return out;
    }

    /**
     * Parses a row key: returns the index where its suffix starts, negated minus one for a long-form
     * row (whose key must be taken from the value).
     */
    int suffixStart(byte[] raw, int bucketPrefixLength) {
        int limit = Math.min(raw.length, bucketPrefixLength + inlineBytes + 1);
        for (int i = bucketPrefixLength; i < limit; i++) {
            if (raw[i] == SHORT) {
                return i + 1;
            }
        }
        int marker = bucketPrefixLength + inlineBytes;
        if (marker < raw.length && raw[marker] == LONG && raw.length >= marker + 1 + HASH_BYTES) {
            return -(marker + 1 + HASH_BYTES) - 1;
        }
        throw new CorruptRecordException("malformed ordered key of " + raw.length + " bytes");
    }

    static byte[] hash(byte[] key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key), HASH_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    static boolean startsWith(byte[] a, byte[] prefix) {
        return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOfZero(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
