package io.coffer.gateway.s3.object;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Request;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import reactor.core.publisher.Mono;

/**
 * Small XML request bodies (DeleteObjects, Tagging, CompleteMultipartUpload, ACLs): read up to a
 * limit, parsed with DTDs and external entities off, and walked by local element name (clients
 * send them with and without S3's namespace).
 */
public final class RequestXml {
    private RequestXml() {
    }

    /** The body's root element; MalformedXML if it does not parse, MissingRequestBodyError if empty. */
    public static Mono<Element> read(S3Request req, int maxBytes) {
        return req.body()
                .collect(ByteArrayOutputStream::new, (out, buf) -> {
                    try {
                        if (out.size() + buf.readableBytes() > maxBytes) {
                            throw new S3Exception(S3Error.MALFORMED_XML, req.resource(),
                                    "The XML you provided was larger than the maximum " + maxBytes + " bytes allowed.");
                        }
                        buf.readBytes(out, buf.readableBytes());
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        buf.release();
                    }
                })
                .map(out -> {
                    if (out.size() == 0) {
                        throw new S3Exception(S3Error.MISSING_REQUEST_BODY, req.resource());
                    }
                    return parse(out.toByteArray(), req.resource());
                });
    }

    static Element parse(byte[] xml, String resource) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            Document d = b.parse(new ByteArrayInputStream(xml));
            return d.getDocumentElement();
        } catch (Exception e) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
    }

    /** Direct children of {@code parent} with this local name. */
    public static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(localName(e))) {
                out.add(e);
            }
        }
        return out;
    }

    /** The first direct child with this local name, or null. */
    public static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0);
    }

    /** Text of the first direct child with this local name, or null. */
    public static String text(Element parent, String name) {
        Element c = child(parent, name);
        return c == null ? null : c.getTextContent();
    }

    public static String localName(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }
}
