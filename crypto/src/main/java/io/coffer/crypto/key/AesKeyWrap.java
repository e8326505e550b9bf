package io.coffer.crypto.key;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.Wrapper;
import org.bouncycastle.crypto.engines.AESWrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;

/** AES key wrap (RFC 3394, default IV A6A6...) from Bouncy Castle. */
public final class AesKeyWrap {
    private AesKeyWrap() {
    }

    /** @param keyData a multiple of 8 bytes, at least 16 */
    public static byte[] wrap(byte[] kek, byte[] keyData) {
        Wrapper w = new AESWrapEngine();
        w.init(true, new KeyParameter(kek));
        return w.wrap(keyData, 0, keyData.length);
    }

    /** @throws InvalidCipherTextException when the integrity check fails (wrong KEK or changed bytes) */
    public static byte[] unwrap(byte[] kek, byte[] wrapped) throws InvalidCipherTextException {
        Wrapper w = new AESWrapEngine();
        w.init(false, new KeyParameter(kek));
        return w.unwrap(wrapped, 0, wrapped.length);
    }
}
