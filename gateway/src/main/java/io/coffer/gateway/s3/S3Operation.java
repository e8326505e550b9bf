package io.coffer.gateway.s3;

/**
 * Every S3 operation the router can name, one value per operation (like Garage's {@code Endpoint}).
 * Operations Coffer does not implement still get a value so they answer {@code NotImplemented}
 * instead of being mistaken for a neighbouring operation (a PUT ?lifecycle must never become a
 * PutObject).
 */
public enum S3Operation {
    // ---- service ----
    LIST_BUCKETS,

    // ---- bucket ----
    CREATE_BUCKET,
    HEAD_BUCKET,
    DELETE_BUCKET,
    GET_BUCKET_LOCATION,
    GET_BUCKET_VERSIONING,
    PUT_BUCKET_VERSIONING,
    GET_BUCKET_ACL,
    PUT_BUCKET_ACL,
    LIST_OBJECTS,
    LIST_OBJECTS_V2,
    LIST_OBJECT_VERSIONS,
    LIST_MULTIPART_UPLOADS,
    DELETE_OBJECTS,

    // bucket subresources (those not in implemented() answer NotImplemented)
    GET_BUCKET_TAGGING, PUT_BUCKET_TAGGING, DELETE_BUCKET_TAGGING,
    GET_BUCKET_POLICY, PUT_BUCKET_POLICY, DELETE_BUCKET_POLICY, GET_BUCKET_POLICY_STATUS,
    GET_BUCKET_CORS, PUT_BUCKET_CORS, DELETE_BUCKET_CORS,
    GET_BUCKET_LIFECYCLE, PUT_BUCKET_LIFECYCLE, DELETE_BUCKET_LIFECYCLE,
    GET_BUCKET_ENCRYPTION, PUT_BUCKET_ENCRYPTION, DELETE_BUCKET_ENCRYPTION,
    GET_BUCKET_WEBSITE, PUT_BUCKET_WEBSITE, DELETE_BUCKET_WEBSITE,
    GET_BUCKET_LOGGING, PUT_BUCKET_LOGGING,
    GET_BUCKET_NOTIFICATION, PUT_BUCKET_NOTIFICATION,
    GET_BUCKET_REPLICATION, PUT_BUCKET_REPLICATION, DELETE_BUCKET_REPLICATION,
    GET_BUCKET_REQUEST_PAYMENT, PUT_BUCKET_REQUEST_PAYMENT,
    GET_BUCKET_ACCELERATE, PUT_BUCKET_ACCELERATE,
    GET_BUCKET_OWNERSHIP_CONTROLS, PUT_BUCKET_OWNERSHIP_CONTROLS, DELETE_BUCKET_OWNERSHIP_CONTROLS,
    GET_PUBLIC_ACCESS_BLOCK, PUT_PUBLIC_ACCESS_BLOCK, DELETE_PUBLIC_ACCESS_BLOCK,
    GET_OBJECT_LOCK_CONFIGURATION, PUT_OBJECT_LOCK_CONFIGURATION,
    GET_BUCKET_ANALYTICS, PUT_BUCKET_ANALYTICS, DELETE_BUCKET_ANALYTICS,
    GET_BUCKET_METRICS, PUT_BUCKET_METRICS, DELETE_BUCKET_METRICS,
    GET_BUCKET_INVENTORY, PUT_BUCKET_INVENTORY, DELETE_BUCKET_INVENTORY,
    GET_BUCKET_INTELLIGENT_TIERING, PUT_BUCKET_INTELLIGENT_TIERING, DELETE_BUCKET_INTELLIGENT_TIERING,
    POST_OBJECT,

    // ---- object ----
    PUT_OBJECT,
    COPY_OBJECT,
    GET_OBJECT,
    HEAD_OBJECT,
    DELETE_OBJECT,
    GET_OBJECT_ATTRIBUTES,
    GET_OBJECT_TAGGING,
    PUT_OBJECT_TAGGING,
    DELETE_OBJECT_TAGGING,
    GET_OBJECT_ACL,
    PUT_OBJECT_ACL,

    // ---- multipart ----
    CREATE_MULTIPART_UPLOAD,
    UPLOAD_PART,
    UPLOAD_PART_COPY,
    COMPLETE_MULTIPART_UPLOAD,
    ABORT_MULTIPART_UPLOAD,
    LIST_PARTS,

    // object subresources Coffer does not implement yet (answered NotImplemented; versions, object lock later)
    GET_OBJECT_RETENTION, PUT_OBJECT_RETENTION,
    GET_OBJECT_LEGAL_HOLD, PUT_OBJECT_LEGAL_HOLD,
    RESTORE_OBJECT,
    SELECT_OBJECT_CONTENT,
    GET_OBJECT_TORRENT,
    WRITE_GET_OBJECT_RESPONSE,

    /** A method/subresource combination S3 does not define at all. */
    UNKNOWN;

    /** Whether Coffer serves this operation (everything else answers NotImplemented). */
    public boolean implemented() {
        return switch (this) {
            case LIST_BUCKETS, CREATE_BUCKET, HEAD_BUCKET, DELETE_BUCKET, GET_BUCKET_LOCATION,
                 GET_BUCKET_VERSIONING, PUT_BUCKET_VERSIONING, GET_BUCKET_ACL, PUT_BUCKET_ACL,
                 LIST_OBJECTS, LIST_OBJECTS_V2, LIST_OBJECT_VERSIONS, LIST_MULTIPART_UPLOADS, DELETE_OBJECTS,
                 PUT_OBJECT, COPY_OBJECT, GET_OBJECT, HEAD_OBJECT, DELETE_OBJECT, GET_OBJECT_ATTRIBUTES,
                 GET_OBJECT_TAGGING, PUT_OBJECT_TAGGING, DELETE_OBJECT_TAGGING, GET_OBJECT_ACL, PUT_OBJECT_ACL,
                 CREATE_MULTIPART_UPLOAD, UPLOAD_PART, UPLOAD_PART_COPY, COMPLETE_MULTIPART_UPLOAD,
                 ABORT_MULTIPART_UPLOAD, LIST_PARTS, POST_OBJECT -> true;
            case GET_BUCKET_OWNERSHIP_CONTROLS, PUT_BUCKET_OWNERSHIP_CONTROLS, DELETE_BUCKET_OWNERSHIP_CONTROLS -> true;
            // bucket configuration (s3/bucket/config)
            case GET_BUCKET_ENCRYPTION, PUT_BUCKET_ENCRYPTION, DELETE_BUCKET_ENCRYPTION,
                 GET_BUCKET_TAGGING, PUT_BUCKET_TAGGING, DELETE_BUCKET_TAGGING,
                 GET_BUCKET_CORS, PUT_BUCKET_CORS, DELETE_BUCKET_CORS,
                 GET_BUCKET_LIFECYCLE, PUT_BUCKET_LIFECYCLE, DELETE_BUCKET_LIFECYCLE -> true;
            default -> false;
        };
    }

    /** Whether the operation reads a request body the handler must consume (drives 100-continue). */
    public boolean hasBody() {
        return switch (this) {
            case PUT_OBJECT, UPLOAD_PART, COMPLETE_MULTIPART_UPLOAD, DELETE_OBJECTS, CREATE_BUCKET,
                 PUT_BUCKET_VERSIONING, PUT_BUCKET_ACL, PUT_OBJECT_ACL, PUT_OBJECT_TAGGING, POST_OBJECT -> true;
            case PUT_BUCKET_OWNERSHIP_CONTROLS -> true;
            case PUT_BUCKET_ENCRYPTION, PUT_BUCKET_TAGGING, PUT_BUCKET_CORS, PUT_BUCKET_LIFECYCLE -> true;
            default -> false;
        };
    }

    /** Metric tag, e.g. {@code ListObjectsV2}. */
    public String tag() {
        StringBuilder sb = new StringBuilder();
        for (String part : name().split("_")) {
            if (part.equals("V2")) {
                sb.append("V2");
            } else {
                sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return sb.toString();
    }
}
