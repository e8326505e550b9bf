package io.coffer.gateway.s3.bucket;

import java.util.regex.Pattern;

/**
 * S3's rules for new general-purpose bucket names: 3-63 characters of lower-case letters, digits,
 * dots and hyphens; a letter or digit at both ends; no ".." and no IP-address shape; none of the
 * prefixes and suffixes AWS reserves. Names must also be valid DNS labels so that virtual-hosted
 * style works for every bucket.
 */
public final class BucketNames {
    private static final Pattern ALLOWED = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private BucketNames() {
    }

    public static boolean isValid(String name) {
        if (name == null || !ALLOWED.matcher(name).matches()) {
            return false;
        }
        if (name.contains("..") || name.contains(".-") || name.contains("-.") || IP.matcher(name).matches()) {
            return false;
        }
        return !(name.startsWith("xn--") || name.startsWith("sthree-") || name.startsWith("amzn-s3-demo-")
                || name.endsWith("-s3alias") || name.endsWith("--ol-s3") || name.endsWith(".mrap")
                || name.endsWith("--x-s3") || name.endsWith("--table-s3"));
    }
}
