package io.coffer.gateway.s3.acl;

import io.coffer.gateway.user.User;

/** Who a grant is for: one user by canonical id, a predefined group, or a user named by e-mail. */
public sealed interface Grantee {
    String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    String LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";

    /** Whether this grantee stands for {@code user} (anonymous is only in AllUsers). */
    boolean includes(User user);

    /** A user by canonical id (64 hex digits in Coffer). */
    record CanonicalUser(String id) implements Grantee {
        public CanonicalUser {
            if (id == null || id.isEmpty()) {
                throw new IllegalArgumentException("id is required");
            }
        }

        @Override
        public boolean includes(User user) {
            return !user.anonymous() && id.equals(user.id());
        }
    }

    /** One of S3's predefined groups, by URI. */
    record Group(String uri) implements Grantee {
        public Group {
            if (!ALL_USERS.equals(uri) && !AUTHENTICATED_USERS.equals(uri) && !LOG_DELIVERY.equals(uri)) {
                throw new IllegalArgumentException("unknown group " + uri);
            }
        }

        public static boolean known(String uri) {
            return ALL_USERS.equals(uri) || AUTHENTICATED_USERS.equals(uri) || LOG_DELIVERY.equals(uri);
        }

        @Override
        public boolean includes(User user) {
            return switch (uri) {
                case ALL_USERS -> true;
                case AUTHENTICATED_USERS -> !user.anonymous();
                default -> false; // LogDelivery is S3's own log writer, never a Coffer user
            };
        }
    }

    /**
     * A user by e-mail, as a request names it. Resolved to a {@link CanonicalUser} before an ACL is
     * stored (UnresolvableGrantByEmailAddress when no user has that address), so stored ACLs never hold it.
     */
    record Email(String address) implements Grantee {
        @Override
        public boolean includes(User user) {
            return false;
        }
    }
}
