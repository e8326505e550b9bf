package io.coffer.gateway.management;

import io.coffer.gateway.user.User;
import io.coffer.gateway.user.UserStore;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The admin API for users, on the management port, for root only (HTTP Basic with the root access
 * key and secret):
 * <pre>
 * GET    /admin/users               list users (never secrets)
 * POST   /admin/users {"displayName": "alice"}  -> 201 {id, displayName, accessKey, secretKey}
 * DELETE /admin/users/{accessKey}   -> 204, 404 if unknown, 400 for root
 * </pre>
 */
@Controller("/admin/users")
public class AdminUsersController {
    private static final String CHALLENGE = "Basic realm=\"coffer-admin\"";

    private final UserStore users;

    public AdminUsersController(UserStore users) {
        this.users = users;
    }

    /** A user as the admin API shows it. */
    @Serdeable
    public record UserView(String id, String displayName, String accessKey, boolean root) {
        static UserView of(User u) {
            return new UserView(u.id(), u.displayName(), u.accessKey(), u.root());
        }
    }

    /** The answer to a create: the only time the secret is shown. */
    @Serdeable
    public record CreatedUser(String id, String displayName, String accessKey, String secretKey) {
    }

    @Serdeable
    public record CreateUser(String displayName) {
    }

    @Serdeable
    public record Problem(String error) {
    }

    @Get
    public HttpResponse<?> list(@Header(HttpHeaders.AUTHORIZATION) Optional<String> authorization) {
        if (!isRoot(authorization)) {
            return unauthorized();
        }
        List<UserView> views = users.list().stream().map(UserView::of).toList();
        return HttpResponse.ok(views);
    }

    @Post
    public Mono<HttpResponse<?>> create(@Header(HttpHeaders.AUTHORIZATION) Optional<String> authorization,
                                        @Body CreateUser request) {
        if (!isRoot(authorization)) {
            return Mono.just(unauthorized());
        }
        if (request == null || request.displayName() == null || request.displayName().isBlank()
                || request.displayName().length() > 64) {
            return Mono.just(HttpResponse.badRequest(new Problem("displayName must be 1..64 characters")));
        }
        return users.create(request.displayName().trim())
                .map(n -> HttpResponse.created(new CreatedUser(n.user().id(), n.user().displayName(),
                        n.user().accessKey(), n.secretKey())));
    }

    @Delete("/{accessKey}")
    public Mono<HttpResponse<?>> delete(@Header(HttpHeaders.AUTHORIZATION) Optional<String> authorization,
                                        String accessKey) {
        if (!isRoot(authorization)) {
            return Mono.just(unauthorized());
        }
        if (accessKey.equals(users.rootKey().accessKey())) {
            return Mono.just(HttpResponse.badRequest(new Problem("the root user cannot be deleted")));
        }
        return users.delete(accessKey)
                .map(deleted -> deleted ? HttpResponse.noContent() : HttpResponse.notFound(new Problem("no such user")));
    }

    private static HttpResponse<?> unauthorized() {
        return HttpResponse.status(HttpStatus.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
                .body(Map.of("error", "root credentials required"));
    }

    private boolean isRoot(Optional<String> authorization) {
        if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.get().substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String access = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        String rootAccess = users.rootKey().accessKey();
        return access.equals(rootAccess) && users.lookup(rootAccess)
                .map(c -> MessageDigest.isEqual(c.secretKey().getBytes(StandardCharsets.UTF_8),
                        secret.getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }
}
