package io.coffer.gateway.user;

import io.coffer.crypto.key.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user as stored in the ControlStore under {@code user/<accessKey>}: identity plus the sealed
 * secret, as {@code name=value} lines (base64 for bytes) so the format is readable and extensible.
 */
record UserRecord(User user, long createdMillis, SecretSealer.Sealed secret) {
    static final String PREFIX = "user/";

    UserRecord {
        if (user == null || secret == null) {
            throw new IllegalArgumentException("user and secret are required");
        }
    }

    static String key(String accessKey) {
        return PREFIX + accessKey;
    }

    byte[] encode() {
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder sb = new StringBuilder();
        sb.append("format=1\n");
        sb.append("id=").append(user.id()).append('\n');
        sb.append("name=").append(b64.encodeToString(user.displayName().getBytes(StandardCharsets.UTF_8))).append('\n');
        sb.append("accessKey=").append(user.accessKey()).append('\n');
        sb.append("root=").append(user.root()).append('\n');
        sb.append("created=").append(createdMillis).append('\n');
        sb.append("keyId=").append(secret.key().keyId()).append('\n');
        sb.append("wrappedKey=").append(b64.encodeToString(secret.key().wrapped())).append('\n');
        sb.append("nonce=").append(b64.encodeToString(secret.nonce())).append('\n');
        sb.append("secret=").append(b64.encodeToString(secret.ciphertext())).append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static UserRecord decode(byte[] bytes) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                f.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (!"1".equals(f.get("format"))) {
            throw new IllegalArgumentException("unknown user record format " + f.get("format"));
        }
        Base64.Decoder b64 = Base64.getDecoder();
        User user = new User(f.get("id"), new String(b64.decode(f.get("name")), StandardCharsets.UTF_8),
                f.get("accessKey"), Boolean.parseBoolean(f.get("root")));
        SecretSealer.Sealed sealed = new SecretSealer.Sealed(
                new WrappedKey(f.get("keyId"), b64.decode(f.get("wrappedKey"))),
                b64.decode(f.get("nonce")), b64.decode(f.get("secret")));
        return new UserRecord(user, Long.parseLong(f.get("created")), sealed);
    }
}
