package io.coffer.crypto.manifest;

import io.coffer.crypto.key.OwnerOnlyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.security.auth.Destroyable;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The gateway's Ed25519 signing key (RFC 8032, Bouncy Castle). Stored as the base64 32-byte private seed in
 * a file readable by its owner only. Thread-safe.
 */
public final class GatewaySigningKey implements Destroyable {
    public static final int SEED_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Ed25519PrivateKeyParameters privateKey;
    private final Ed25519PublicKeyParameters publicParams;
    private final GatewayPublicKey publicKey;
    private volatile boolean destroyed;

    private GatewaySigningKey(byte[] seed) {
        if (seed == null || seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException("Ed25519 private key must be 32 bytes");
        }
        this.privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        this.publicParams = privateKey.generatePublicKey();
        this.publicKey = new GatewayPublicKey(publicParams.getEncoded());
    }

    /** From a raw RFC 8032 private key (seed); the caller keeps and should zero its copy. */
    public static GatewaySigningKey fromSeed(byte[] seed) {
        return new GatewaySigningKey(seed);
    }

    public static GatewaySigningKey generate() {
        byte[] seed = new byte[SEED_LENGTH];
        RANDOM.nextBytes(seed);
        try {
            return new GatewaySigningKey(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    public static GatewaySigningKey load(Path file) throws IOException {
        OwnerOnlyFile.warnIfExposed(file);
        byte[] seed;
        try {
            seed = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            throw new IOException("signing key file " + file + " is not base64");
        }
        try {
            return new GatewaySigningKey(seed);
        } catch (IllegalArgumentException e) {
            throw new IOException("signing key file " + file + " does not hold a 32-byte Ed25519 key");
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** Loads the key from {@code file}, first creating a random one there (rw-------) if absent. */
    public static GatewaySigningKey loadOrCreate(Path file) throws IOException {
        byte[] seed = new byte[SEED_LENGTH];
        RANDOM.nextBytes(seed);
        byte[] text = (Base64.getEncoder().encodeToString(seed) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            OwnerOnlyFile.createIfAbsent(file, text);
        } finally {
            Arrays.fill(seed, (byte) 0);
            Arrays.fill(text, (byte) 0);
        }
        return load(file);
    }

    public GatewayPublicKey publicKey() {
        return publicKey;
    }

    /** Pure Ed25519 signature (64 bytes) of {@code message[off, off + len)}. */
    public byte[] sign(byte[] message, int off, int len) {
        if (destroyed) {
            throw new IllegalStateException("signing key destroyed");
        }
        byte[] sig = new byte[SIGNATURE_LENGTH];
        privateKey.sign(Ed25519.Algorithm.Ed25519, publicParams, null, message, off, len, sig, 0);
        return sig;
    }

    public byte[] sign(byte[] message) {
        return sign(message, 0, message.length);
    }

    /** Marks the key unusable; Bouncy Castle keeps its own copy of the seed, which the GC reclaims. */
    @Override
    public void destroy() {
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "GatewaySigningKey[" + publicKey.keyIdHex() + "]";
    }
}
