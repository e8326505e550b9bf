package io.coffer.gateway.user;

import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.key.MasterKeyring;
import io.coffer.crypto.key.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secret access keys at rest the way objects are: a fresh data key per secret, wrapped
 * under the master keyring, and AES-256-GCM over the secret with the access key as AAD, so a
 * sealed secret cannot be moved to another access key.
 */
public final class SecretSealer {
    private static final int NONCE = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MasterKeyring keyring;

    public SecretSealer(MasterKeyring keyring) {
        this.keyring = keyring;
    }

    /** A sealed secret: the wrapped data key, the GCM nonce and the ciphertext (with tag). */
    public record Sealed(WrappedKey key, byte[] nonce, byte[] ciphertext) {
        public Sealed {
            if (key == null || nonce == null || nonce.length != NONCE || ciphertext == null) {
                throw new IllegalArgumentException("bad sealed secret");
            }
        }
    }

    public Sealed seal(String accessKey, String secret) {
        DataKey dek = DataKey.generate();
        byte[] raw = dek.bytes();
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = cipher(Cipher.ENCRYPT_MODE, raw, nonce, accessKey);
            byte[] ct = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return new Sealed(keyring.wrap(dek), nonce, ct);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
            dek.destroy();
        }
    }

    /** @throws IllegalStateException if the record was tampered with or belongs to another access key */
    public String open(String accessKey, Sealed sealed) {
        DataKey dek = keyring.unwrap(sealed.key());
        byte[] raw = dek.bytes();
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, raw, sealed.nonce(), accessKey);
            return new String(c.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealed secret of " + accessKey + " does not authenticate");
        } finally {
            Arrays.fill(raw, (byte) 0);
            dek.destroy();
        }
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce, String accessKey) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD(accessKey.getBytes(StandardCharsets.UTF_8));
        return c;
    }
}
