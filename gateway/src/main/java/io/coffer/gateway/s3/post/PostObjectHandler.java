package io.coffer.gateway.s3.post;

import io.coffer.gateway.auth.AuthResult;
import io.coffer.gateway.auth.PostPolicy;
import io.coffer.gateway.auth.SigV4Verifier;
import io.coffer.gateway.config.GatewayConfig;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Operation;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.s3.S3XmlReader;
import io.coffer.gateway.s3.object.ObjectPutHandler;
import io.coffer.gateway.user.User;
import io.coffer.gateway.user.UserStore;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.w3c.dom.Element;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * POST Object: a browser-based upload form. The form's fields are read first ({@link FormParser}),
 * its signature and policy checked (Signature V2 {@code AWSAccessKeyId}/{@code signature} or SigV4
 * {@code x-amz-credential}/{@code x-amz-signature}), and the file is then stored by the PutObject
 * path with the form's fields as its headers (Content-Type, x-amz-meta-*, acl, tagging, SSE-C,
 * x-amz-checksum-*), so a form upload is exactly a PUT. The answer follows
 * {@code success_action_redirect} (303) or {@code success_action_status} (200, 201 with a
 * PostResponse document, else 204).
 */
@Singleton
public final class PostObjectHandler implements S3Handler {
    /** Form fields that become the stored object's headers, besides x-amz-meta-* and x-amz-checksum-*. */
    private static final List<String> HEADER_FIELDS = List.of("content-type", "cache-control", "content-disposition",
            "content-encoding", "content-language", "expires", "content-md5", "x-amz-storage-class",
            "x-amz-website-redirect-location", "x-amz-server-side-encryption",
            "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-context",
            "x-amz-server-side-encryption-customer-algorithm", "x-amz-server-side-encryption-customer-key",
            "x-amz-server-side-encryption-customer-key-md5", "x-amz-checksum-algorithm");

    private final ObjectPutHandler put;
    private final UserStore users;
    private final SigV4Verifier verifier;
    private final Clock clock;

    public PostObjectHandler(ObjectPutHandler put, UserStore users, GatewayConfig config) {
        this.put = put;
        this.users = users;
        this.clock = Clock.systemUTC();
        this.verifier = new SigV4Verifier(users, config.getRegion(), clock, config.getDomain());
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        return Mono.defer(() -> {
            String boundary = FormParser.boundary(req.header("content-type"));
            if (boundary == null) {
                throw new S3Exception(S3Error.MALFORMED_POST_REQUEST, req.resource());
            }
            if (req.contentLength() < 0) {
                throw new S3Exception(S3Error.MISSING_CONTENT_LENGTH, req.resource());
            }
            FormParser parser = new FormParser(boundary, req.contentLength());
            return parser.parse(req.body())
                    .switchOnFirst((first, events) -> {
                        if (first.isOnError()) {
                            return events.cast(S3Response.class);
                        }
                        if (!first.hasValue()) {
                            return Flux.error(new S3Exception(S3Error.MALFORMED_POST_REQUEST, req.resource()));
                        }
                        FormParser.Head head = (FormParser.Head) first.get();
                        return Mono.defer(() -> upload(req, head, events.skip(1).cast(ByteBuf.class))).flux();
                    })
                    // no doOnDiscard here: FormParser.parse has one, and hooks add up (a buffer would be freed twice)
                    .next();
        });
    }

    private Mono<S3Response> upload(S3Request req, FormParser.Head head, Flux<ByteBuf> file) {
        Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        fields.putAll(head.fields());
        AuthResult auth = verifier.verifyPostPolicy(fields);
        if (fields.containsKey("key")) {
            // the policy's conditions apply to the key the object gets
            fields.put("key", fields.get("key").replace("${filename}", head.filename() == null ? "" : head.filename()));
        }
        User user;
        if (auth.isAnonymous()) {
            // an unsigned form writes as the anonymous user: PutObject's ACL check decides (public-read-write)
            user = req.user() == null ? User.ANONYMOUS : req.user();
        } else {
            user = users.user(auth.accessKey())
                    .orElseThrow(() -> new S3Exception(S3Error.INVALID_ACCESS_KEY_ID, req.resource()));
            PostPolicy policy = PostPolicy.parse(fields.get("policy"));
            policy.check(fields, req.bucket(), clock.instant());
            policy.checkContentLength(head.fileLength());
        }
        String key = fields.get("key");
        if (key == null) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.");
        }
        if (key.isEmpty()) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(), "User key must have a length greater than 0.");
        }
        String bucket = req.bucket();
        String objectKey = key;
        S3Request asPut = new S3Request(req.requestId(), HttpMethod.PUT, S3Operation.PUT_OBJECT, bucket, key,
                "/" + bucket + "/" + key, Map.of(), headers(fields, head, req.resource()), user, file,
                head.fileLength(), Mono.just(Map.of()));
        return put.handle(asPut).map(r -> answer(r, req, fields, bucket, objectKey));
    }

    /** The PutObject request headers the form's fields stand for. */
    private static HttpHeaders headers(Map<String, String> fields, FormParser.Head head, String resource) {
        HttpHeaders h = new DefaultHttpHeaders();
        fields.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HEADER_FIELDS.contains(lower) || lower.startsWith("x-amz-meta-") || lower.startsWith("x-amz-checksum-")) {
                h.add(lower, value);
            }
        });
        if (fields.containsKey("acl")) {
            h.set("x-amz-acl", fields.get("acl"));
        }
        String tagging = fields.get("tagging");
        if (tagging != null && !tagging.isBlank()) {
            h.set("x-amz-tagging", taggingQuery(tagging, resource));
        }
        if (!h.contains("content-type") && head.fileContentType() != null) {
            h.set("content-type", head.fileContentType());
        }
        h.set("content-length", head.fileLength());
        return h;
    }

    /** The tagging field's {@code <Tagging>} document in the x-amz-tagging header's query form. */
    static String taggingQuery(String xml, String resource) {
        Element root = S3XmlReader.root(S3XmlReader.parse(xml.getBytes(StandardCharsets.UTF_8), resource),
                "Tagging", resource);
        StringJoiner query = new StringJoiner("&");
        for (Element set : S3XmlReader.children(root, "TagSet")) {
            for (Element tag : S3XmlReader.children(set, "Tag")) {
                List<Element> k = S3XmlReader.children(tag, "Key");
                List<Element> v = S3XmlReader.children(tag, "Value");
                if (k.isEmpty()) {
                    throw new S3Exception(S3Error.MALFORMED_XML, resource);
                }
                query.add(encode(k.get(0).getTextContent()) + "="
                        + encode(v.isEmpty() ? "" : v.get(0).getTextContent()));
            }
        }
        return query.toString();
    }

    private static S3Response answer(S3Response r, S3Request req, Map<String, String> fields, String bucket, String key) {
        String etag = r.headers().get("ETag");
        String redirect = fields.get("success_action_redirect");
        if (redirect == null) {
            redirect = fields.get("redirect");
        }
        if (redirect != null && isHttpUrl(redirect)) {
            String location = redirect + (redirect.contains("?") ? "&" : "?") + "bucket=" + encode(bucket)
                    + "&key=" + encode(key) + "&etag=" + encode(etag);
            return r.withStatus(303).header("Location", location);
        }
        String location = objectUrl(req, bucket, key);
        r.header("Location", location);
        String status = fields.get("success_action_status");
        if ("200".equals(status)) {
            return r;
        }
        if ("201".equals(status)) {
            return r.withStatus(201).xmlBody(S3Xml.bareDocument("PostResponse")
                    .element("Location", location)
                    .element("Bucket", bucket)
                    .element("Key", key)
                    .element("ETag", etag)
                    .toXml());
        }
        return r.withStatus(204);
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI u = new URI(url);
            return u.getScheme() != null && (u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"));
        } catch (Exception e) {
            return false;
        }
    }

    private static String objectUrl(S3Request req, String bucket, String key) {
        String host = req.header("host");
        StringBuilder path = new StringBuilder();
        for (String segment : key.split("/", -1)) {
            path.append('/').append(encode(segment).replace("+", "%20"));
        }
        return "http://" + (host == null ? "localhost" : host) + "/" + encode(bucket) + path;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
