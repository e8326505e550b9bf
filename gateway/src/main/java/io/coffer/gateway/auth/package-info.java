/**
 * S3 request authentication: AWS Signature Version 4 and the aws-chunked body encoding.
 *
 * <p>Request flow, before the body is read:
 * <ol>
 *   <li>{@link io.coffer.gateway.auth.SigV4Verifier#verify} on a {@link io.coffer.gateway.auth.SigV4Request}
 *       view of the request (raw path and query as sent). It returns an {@link io.coffer.gateway.auth.AuthResult}
 *       (who, and how the body is protected) or throws {@link io.coffer.gateway.auth.AuthException} carrying
 *       the S3 error code and HTTP status. Anonymous requests are reported, not refused.</li>
 *   <li>If {@code payloadMode().isStreaming()}: pipe the body through
 *       {@link io.coffer.gateway.auth.AwsChunkedDecoder#forRequest}{@code .decode(body)}; after the decoded
 *       flux completes, {@code trailers()} holds x-amz-checksum-* to compare with the computed checksum.
 *       Store {@link io.coffer.gateway.auth.AwsChunkedDecoder#storedContentEncoding} as Content-Encoding.</li>
 *   <li>If {@code payloadMode() == SIGNED}: compare {@code payloadSha256()} with the body's SHA-256
 *       ({@link io.coffer.gateway.checksum.BodyDigestResult#checkSha256}).</li>
 * </ol>
 * POST Object forms use {@link io.coffer.gateway.auth.SigV4Verifier#verifyPostPolicy} and
 * {@link io.coffer.gateway.auth.PostPolicy}. Legacy Signature Version 2 (header and presigned) is verified
 * when the request view implements {@link io.coffer.gateway.auth.SigV4Request#headerNames()} (else refused with
 * InvalidRequest); for virtual-hosted-style V2 requests the verifier needs the gateway's domain.
 */
package io.coffer.gateway.auth;
