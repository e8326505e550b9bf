package io.coffer.gateway.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The policy of a browser-based upload (POST Object): an expiration and conditions every form field must
 * meet. {@link #check} applies the expiration, the conditions and S3's rule that every form field (other
 * than the signature fields, the file and x-ignore-*) is covered by a condition; {@link #checkContentLength}
 * applies content-length-range once the file's size is known.
 */
public final class PostPolicy {

    private static final JsonFactory JSON = new JsonFactory();
    /** Fields that never need a condition. */
    private static final Set<String> EXEMPT = Set.of("policy", "x-amz-signature", "signature", "awsaccesskeyid",
            "file", "x-amz-security-token");

    private record Condition(String operator, String field, String value, String text) {
    }

    private final Instant expiration;
    private final List<Condition> conditions;
    private final long minLength;
    private final long maxLength;

    private PostPolicy(Instant expiration, List<Condition> conditions, long minLength, long maxLength) {
        this.expiration = expiration;
        this.conditions = conditions;
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    /**
     * Parses the base64 policy field.
     *
     * @throws AuthException InvalidPolicyDocument (400) when it is not a valid policy
     */
    public static PostPolicy parse(String base64Policy) {
        Object root;
        try {
            byte[] json = Base64.getMimeDecoder().decode(base64Policy.trim());
            try (JsonParser parser = JSON.createParser(json)) {
                parser.nextToken();
                root = read(parser);
                if (parser.nextToken() != null) {
                    throw invalid("Invalid JSON.");
                }
            }
        } catch (IllegalArgumentException | IOException e) {
            throw invalid("Invalid JSON.");
        }
        if (!(root instanceof Map<?, ?> document)) {
            throw invalid("Invalid JSON.");
        }
        if (!(document.get("expiration") instanceof String expirationText)) {
            throw invalid("Policy missing expiration.");
        }
        Instant expiration;
        try {
            expiration = Instant.parse(expirationText);
        } catch (DateTimeParseException e) {
            throw invalid("Invalid 'expiration' value: '" + expirationText + "'");
        }
        if (!(document.get("conditions") instanceof List<?> list)) {
            throw invalid("Policy missing conditions.");
        }
        List<Condition> conditions = new ArrayList<>();
        long min = 0;
        long max = Long.MAX_VALUE;
        for (Object c : list) {
            if (c instanceof Map<?, ?> exact) {
                if (exact.size() != 1) {
                    throw invalid("Invalid Simple-Condition: Simple-Conditions must have exactly "
                            + "one property specified.");
                }
                Map.Entry<?, ?> e = exact.entrySet().iterator().next();
                String name = String.valueOf(e.getKey());
                conditions.add(new Condition("eq", name.toLowerCase(Locale.ROOT), scalar(e.getValue()),
                        "{\"" + name + "\": \"" + scalar(e.getValue()) + "\"}"));
            } else if (c instanceof List<?> op && op.size() == 3) {
                String operator = String.valueOf(op.get(0)).toLowerCase(Locale.ROOT);
                String text = "[\"" + op.get(0) + "\", \"" + op.get(1) + "\", \"" + op.get(2) + "\"]";
                if (operator.equals("content-length-range")) {
                    try {
                        min = Long.parseLong(scalar(op.get(1)));
                        max = Long.parseLong(scalar(op.get(2)));
                    } catch (NumberFormatException e) {
                        throw invalid("Invalid content-length-range: " + text);
                    }
                    if (min < 0 || max < min) {
                        throw invalid("Invalid content-length-range: " + text);
                    }
                } else if (operator.equals("eq") || operator.equals("starts-with")) {
                    String field = scalar(op.get(1));
                    if (!field.startsWith("$")) {
                        throw invalid("Invalid condition field, must start with '$': " + text);
                    }
                    conditions.add(new Condition(operator, field.substring(1).toLowerCase(Locale.ROOT),
                            scalar(op.get(2)), text));
                } else {
                    throw invalid("Invalid condition operator: " + text);
                }
            } else {
                throw invalid("Invalid condition: " + c);
            }
        }
        return new PostPolicy(expiration, List.copyOf(conditions), min, max);
    }

    public Instant expiration() {
        return expiration;
    }

    /**
     * Checks expiration, conditions and coverage of the form fields.
     *
     * @param formFields the form fields before the file (names case-insensitive)
     * @param bucket     the bucket the form posts to (the "bucket" condition)
     * @throws AuthException AccessDenied (403) "Invalid according to Policy: ..."
     */
    public void check(Map<String, String> formFields, String bucket, Instant now) {
        Objects.requireNonNull(bucket, "bucket");
        if (!now.isBefore(expiration)) {
            throw denied("Policy expired.");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        formFields.forEach((k, v) -> fields.put(k.toLowerCase(Locale.ROOT), v));
        fields.put("bucket", bucket);
        Set<String> covered = new HashSet<>();
        for (Condition c : conditions) {
            String actual = fields.get(c.field());
            boolean ok;
            if (c.operator().equals("eq")) {
                ok = c.value().equals(actual == null ? "" : actual);
            } else if (actual == null) {
                ok = c.value().isEmpty();
            } else if (c.field().equals("content-type")) {
                // Each of a comma-separated list of content types must match.
                ok = true;
                for (String type : actual.split(",")) {
                    ok &= type.trim().startsWith(c.value());
                }
            } else {
                ok = actual.startsWith(c.value());
            }
            if (!ok) {
                throw denied("Policy Condition failed: " + c.text());
            }
            covered.add(c.field());
        }
        for (String name : fields.keySet()) {
            // x-amz-checksum-* only asks for a check of the file's bytes, so it needs no condition (as in RGW)
            if (!name.equals("bucket") && !EXEMPT.contains(name) && !name.startsWith("x-ignore-")
                    && !name.startsWith("x-amz-checksum-") && !covered.contains(name)) {
                throw denied("Extra input fields: " + name);
            }
        }
    }

    /** Checks the file's size against content-length-range: EntityTooSmall / EntityTooLarge (400). */
    public void checkContentLength(long length) {
        if (length > maxLength) {
            throw new AuthException("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size");
        }
        if (length < minLength) {
            throw new AuthException("EntityTooSmall", 400,
                    "Your proposed upload is smaller than the minimum allowed size");
        }
    }

    /** Largest file the policy allows (Long.MAX_VALUE without content-length-range), to stop reading early. */
    public long maxLength() {
        return maxLength;
    }

    private static String scalar(Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw invalid("Invalid condition value: " + value);
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw invalid("Invalid JSON.");
        }
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, read(p));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            default -> throw invalid("Invalid JSON.");
        }
    }

    private static AuthException invalid(String detail) {
        return new AuthException("InvalidPolicyDocument", 400, "Invalid Policy: " + detail);
    }

    private static AuthException denied(String detail) {
        return AuthException.accessDenied("Invalid according to Policy: " + detail);
    }

    /** The policy JSON as base64, for tests and clients building forms. */
    static String encode(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
