package io.coffer.gateway.s3.acl;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.user.User;
import io.coffer.gateway.user.UserStore;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * Grantees against the user store: a canonical id must name a user (InvalidArgument otherwise, as
 * S3 answers), an e-mail address must resolve to one (Coffer users have no e-mail address yet, so
 * every e-mail grant is UnresolvableGrantByEmailAddress), and display names are looked up to show ACLs.
 */
@Singleton
public final class Grantees {
    private final UserStore users;

    public Grantees(UserStore users) {
        this.users = users;
    }

    /** The grants with e-mails resolved, every user checked to exist. */
    public List<Grant> resolve(List<Grant> grants, String resource) {
        List<Grant> out = new ArrayList<>(grants.size());
        List<User> known = users.list();
        for (Grant g : grants) {
            if (g.grantee() instanceof Grantee.Email e) {
                throw new S3Exception(S3Error.UNRESOLVABLE_GRANT_BY_EMAIL_ADDRESS, resource);
            }
            if (g.grantee() instanceof Grantee.CanonicalUser u
                    && known.stream().noneMatch(k -> k.id().equals(u.id()))) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Invalid id");
            }
            out.add(g);
        }
        return out;
    }

    /** The display name of a canonical id, or "" when no user has it (any more). */
    public String displayName(String id) {
        for (User u : users.list()) {
            if (u.id().equals(id)) {
                return u.displayName();
            }
        }
        return "";
    }
}
