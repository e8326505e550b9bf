package io.coffer.crypto.key;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.crypto.IntegrityException;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SseCustomerKeyTest {
    private static final Base64.Encoder B64 = Base64.getEncoder();

    @Test
    void wrapsAndUnwrapsUnderTheCustomerKey() throws Exception {
        byte[] key = new byte[32];
        key[5] = 9;
        SseCustomerKey k = SseCustomerKey.of(B64.encodeToString(key), md5(key));
        assertEquals(md5(key), k.keyMd5Base64());
        assertTrue(k.matchesMd5(md5(key)));
        DataKey dek = DataKey.generate();
        WrappedKey w = k.wrap(dek);
        assertEquals(SseCustomerKey.KEY_ID, w.keyId());
        SseCustomerKey same = SseCustomerKey.of(B64.encodeToString(key), md5(key));
        assertArrayEquals(dek.bytes(), same.unwrap(w).bytes());
    }

    @Test
    void wrongCustomerKeyFailsWithWrongKey() throws Exception {
        byte[] key = new byte[32];
        byte[] other = new byte[32];
        other[0] = 1;
        WrappedKey w = SseCustomerKey.of(B64.encodeToString(key), md5(key)).wrap(DataKey.generate());
        SseCustomerKey wrong = SseCustomerKey.of(B64.encodeToString(other), md5(other));
        assertFalse(wrong.matchesMd5(md5(key)));
        assertEquals(IntegrityException.Kind.WRONG_KEY,
                assertThrows(IntegrityException.class, () -> wrong.unwrap(w)).kind());
    }

    @Test
    void masterWrappedKeyIsNotAcceptedAsSseC() throws Exception {
        MasterKeyring ring = MasterKeyring.fromBase64(MasterKeyring.newKeyBase64());
        WrappedKey w = ring.wrap(DataKey.generate());
        byte[] key = new byte[32];
        SseCustomerKey k = SseCustomerKey.of(B64.encodeToString(key), md5(key));
        assertEquals(IntegrityException.Kind.WRONG_KEY,
                assertThrows(IntegrityException.class, () -> k.unwrap(w)).kind());
        // and an SSE-C wrapped key is not accepted by the master keyring
        assertEquals(IntegrityException.Kind.WRONG_KEY,
                assertThrows(IntegrityException.class, () -> ring.unwrap(k.wrap(DataKey.generate()))).kind());
    }

    @Test
    void rejectsWhatS3Rejects() throws Exception {
        byte[] key = new byte[32];
        byte[] shortKey = new byte[16];
        // MD5 of a different key
        byte[] other = new byte[32];
        other[31] = 1;
        assertThrows(IllegalArgumentException.class, () -> SseCustomerKey.of(B64.encodeToString(key), md5(other)));
        assertThrows(IllegalArgumentException.class,
                () -> SseCustomerKey.of(B64.encodeToString(shortKey), md5(shortKey)));
        assertThrows(IllegalArgumentException.class, () -> SseCustomerKey.of("%%%", md5(key)));
        assertThrows(IllegalArgumentException.class, () -> SseCustomerKey.of(B64.encodeToString(key), "%%%"));
        assertThrows(IllegalArgumentException.class, () -> SseCustomerKey.of(null, md5(key)));
        assertThrows(IllegalArgumentException.class, () -> SseCustomerKey.of(B64.encodeToString(key), null));
    }

    @Test
    void destroyedKeyCannotWrap() throws Exception {
        byte[] key = new byte[32];
        SseCustomerKey k = SseCustomerKey.of(B64.encodeToString(key), md5(key));
        k.destroy();
        assertThrows(IllegalStateException.class, () -> k.wrap(DataKey.generate()));
        assertFalse(k.toString().contains(B64.encodeToString(key)));
    }

    private static String md5(byte[] b) throws Exception {
        return B64.encodeToString(MessageDigest.getInstance("MD5").digest(b));
    }
}
