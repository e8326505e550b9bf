package io.coffer.gateway.checksum;

import java.util.Map;
import java.util.Optional;

/**
 * Where a multipart object keeps its parts' checksums: in the signed manifest's checksum map, beside the
 * whole-object value, under {@code part-<n>} (a key no algorithm name can collide with). S3 answers them in
 * GetObjectAttributes' ObjectParts and on GET/HEAD with {@code partNumber} and checksum mode.
 */
public final class PartChecksums {
    private static final String PREFIX = "part-";

    private PartChecksums() {
    }

    /** The manifest checksum-map key of part {@code partNumber}'s checksum. */
    public static String key(int partNumber) {
        return PREFIX + partNumber;
    }

    /** Base64 checksum of part {@code partNumber}, if the object keeps one. */
    public static Optional<String> of(Map<String, String> checksums, int partNumber) {
        return Optional.ofNullable(checksums.get(key(partNumber)));
    }

    /** The algorithm of the whole-object checksum (the one map key that names an algorithm), if any. */
    public static Optional<ChecksumAlgorithm> algorithm(Map<String, String> checksums) {
        // look the five names up rather than parse every key: a 10,000-part object has 10,000 part keys
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            if (checksums.containsKey(a.name())) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * x-amz-checksum-type of a stored whole-object value: a COMPOSITE value carries its part count
     * ({@code <base64>-N}), base64 itself never contains '-'.
     */
    public static String type(String wholeObjectValue) {
        return wholeObjectValue.contains("-") ? "COMPOSITE" : "FULL_OBJECT";
    }

    /**
     * Whether the client's value of a multipart object's checksum (CompleteMultipartUpload's
     * x-amz-checksum-*) names the computed one; a COMPOSITE value may come with or without its "-N".
     */
    public static boolean matches(String declared, String computed) {
        if (declared == null) {
            return true;
        }
        String d = declared.trim();
        return d.equals(computed) || d.equals(stripPartCount(computed));
    }

    private static String stripPartCount(String value) {
        int dash = value.indexOf('-');
        return dash < 0 ? value : value.substring(0, dash);
    }
}
