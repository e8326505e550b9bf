package io.coffer.gateway.s3;

/**
 * The single place that turns an S3 error into S3's XML body:
 * {@code <Error><Code/><Message/><Resource/><RequestId/></Error>}.
 */
public final class S3ErrorWriter {
    private S3ErrorWriter() {
    }

    public static S3Response toResponse(S3Exception e, String resource, String requestId) {
        String res = e.resource() != null ? e.resource() : resource;
        S3Xml xml = S3Xml.bareDocument("Error")
                .element("Code", e.error().code())
                .element("Message", e.clientMessage())
                .element("Resource", res == null ? "" : res)
                .element("RequestId", requestId);
        S3Response r = S3Response.status(e.error().status());
        // 304 must not carry a body (RFC 9110); S3 sends none
        return e.error().status() == 304 ? r : r.xmlBody(xml.toXml());
    }
}
