package io.coffer.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CanonicalRequestTest {

    private static final String SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String SUITE_SCOPE = "20150830/us-east-1/service/aws4_request";

    private static String sign(SuiteRequest suite) {
        SigV4Request request = suite.toRequest();
        String signedLine = suite.signedHeadersLine();
        String canonical = CanonicalRequest.build(request.method(), request.rawPath(),
                CanonicalRequest.canonicalQuery(request.rawQuery(), false, null), request,
                SigV4Verifier.splitSignedHeaders(signedLine), signedLine, SigningCrypto.sha256Hex(suite.body()));
        String sts = CanonicalRequest.stringToSign("20150830T123600Z", SUITE_SCOPE, canonical);
        byte[] key = SigningKeyCache.derive(SUITE_SECRET, "20150830", "us-east-1", "service");
        return SigningCrypto.hmacHex(key, sts);
    }

    @ParameterizedTest
    @ValueSource(strings = {"get-vanilla", "get-vanilla-query-order-key-case", "get-vanilla-query-order-value",
            "get-vanilla-utf8-query", "get-unreserved", "get-header-value-trim", "get-header-key-duplicate",
            "get-header-value-order", "post-x-www-form-urlencoded", "get-vanilla-with-session-token"})
    void suiteVectorSignsToPublishedSignature(String name) {
        SuiteRequest suite = SuiteRequest.load(name);
        assertEquals(suite.signature(), sign(suite), name);
    }

    @Test
    void suiteQueryOrderKeyCaseCanonicalRequestMatchesPublishedText() {
        SuiteRequest suite = SuiteRequest.load("get-vanilla-query-order-key-case");
        SigV4Request request = suite.toRequest();
        String canonical = CanonicalRequest.build("GET", request.rawPath(),
                CanonicalRequest.canonicalQuery(request.rawQuery(), false, null), request,
                List.of("host", "x-amz-date"), "host;x-amz-date", SigningCrypto.EMPTY_SHA256);
        assertEquals("GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"
                + "\nhost;x-amz-date\n" + SigningCrypto.EMPTY_SHA256, canonical);
        assertEquals("816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
                SigningCrypto.sha256Hex(canonical));
    }

    @Test
    void suiteHeaderValueTrimCollapsesInnerWhitespace() {
        SuiteRequest suite = SuiteRequest.load("get-header-value-trim");
        SigV4Request request = suite.toRequest();
        String canonical = CanonicalRequest.build("GET", "/", "", request,
                List.of("host", "my-header1", "my-header2", "x-amz-date"), "host;my-header1;my-header2;x-amz-date",
                SigningCrypto.EMPTY_SHA256);
        assertEquals("GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
                + "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n"
                + SigningCrypto.EMPTY_SHA256, canonical);
    }

    @Test
    void suiteVanillaAndFormStringToSignHashesMatchPublished() {
        SuiteRequest vanilla = SuiteRequest.load("get-vanilla");
        SigV4Request v = vanilla.toRequest();
        assertEquals("bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
                SigningCrypto.sha256Hex(CanonicalRequest.build("GET", "/", "", v, List.of("host", "x-amz-date"),
                        "host;x-amz-date", SigningCrypto.EMPTY_SHA256)));
        SuiteRequest form = SuiteRequest.load("post-x-www-form-urlencoded");
        SigV4Request f = form.toRequest();
        assertEquals("42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
                SigningCrypto.sha256Hex(CanonicalRequest.build("POST", "/", "", f,
                        List.of("content-type", "host", "x-amz-date"), "content-type;host;x-amz-date",
                        SigningCrypto.sha256Hex(form.body()))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Param2=value2&Param1=value1|Param1=value1&Param2=value2",
            "a=10&a=9|a=10&a=9",
            "x=a.b&x=a%2Fb|x=a%2Fb&x=a.b",
            "a=1&a=1|a=1&a=1",
            "q=a+b|q=a%2Bb",
            "q=a%20b|q=a%20b",
            "b&a=1|a=1&b=",
            "a=1=2|a=1%3D2",
            "uploads|uploads=",
            "prefix=photos%2f2024&list-type=2|list-type=2&prefix=photos%2F2024",
            "k=%7e%41|k=~A",
            "k=caf%C3%A9|k=caf%C3%A9",
    })
    void canonicalQueryDecodesReencodesAndSorts(String raw, String canonical) {
        assertEquals(canonical, CanonicalRequest.canonicalQuery(raw, false, null));
    }

    @Test
    void canonicalQueryCanTreatPlusAsSpaceAndSkipSignature() {
        assertEquals("q=a%20b", CanonicalRequest.canonicalQuery("q=a+b", true, null));
        assertEquals("X-Amz-Date=1&a=b",
                CanonicalRequest.canonicalQuery("a=b&X-Amz-Signature=abc&X-Amz-Date=1", false, "X-Amz-Signature"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/bucket/key|/bucket/key",
            "/bucket/a%2Fb|/bucket/a%2Fb",
            "/bucket/a%2fb|/bucket/a%2Fb",
            "/bucket/%7Euser|/bucket/~user",
            "/bucket/a!b|/bucket/a%21b",
            "/bucket//double//|/bucket//double//",
            "/bucket/./x/../y|/bucket/./x/../y",
            "/bucket/caf%C3%A9|/bucket/caf%C3%A9",
    })
    void strictPathReencodingNeverNormalisesSegments(String raw, String canonical) {
        assertEquals(canonical, CanonicalRequest.reencodePath(raw));
    }

    @Test
    void headerLookupIsCaseInsensitiveAndJoinsRepeatedValues() {
        SigV4Request request = SigV4Request.of("GET", "/x?y", Map.of("X-Foo", List.of("a", " b  c "),
                "Host", List.of("h")));
        assertEquals("/x", request.rawPath());
        assertEquals("y", request.rawQuery());
        assertEquals("h", request.host());
        String canonical = CanonicalRequest.build("GET", "/x", "y=", request, List.of("host", "x-foo"),
                "host;x-foo", "UNSIGNED-PAYLOAD");
        assertEquals("GET\n/x\ny=\nhost:h\nx-foo:a,b c\n\nhost;x-foo\nUNSIGNED-PAYLOAD", canonical);
    }
}
