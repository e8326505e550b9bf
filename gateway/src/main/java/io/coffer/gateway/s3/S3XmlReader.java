package io.coffer.gateway.s3;

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
 * Reads the small XML documents S3 requests carry (CreateBucketConfiguration, VersioningConfiguration,
 * AccessControlPolicy, Delete, CompleteMultipartUpload, Tagging): bounded in size, buffers released
 * as they arrive, parsed with DTDs and external entities disabled. Element names are matched by local
 * name, so documents with or without the S3 namespace are accepted, as S3 does.
 */
public final class S3XmlReader {
    /** S3 bounds these documents; 1 MiB covers a 1000-key DeleteObjects and a 10000-part Complete. */
    public static final int DEFAULT_MAX_BYTES = 2 << 20;

    private S3XmlReader() {
    }

    /** The whole (small) body; larger than {@code maxBytes} fails with MalformedXML. Empty array for no body. */
    public static Mono<byte[]> readBody(S3Request req, int maxBytes) {
        return req.body()
                .reduce(new ByteArrayOutputStream(), (out, buf) -> {
                    try {
                        if (out.size() + buf.readableBytes() > maxBytes) {
                            throw new S3Exception(S3Error.MALFORMED_XML, req.resource(),
                                    "The XML you provided was larger than the maximum allowed size");
                        }
                        buf.readBytes(out, buf.readableBytes());
                        return out;
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        buf.release();
                    }
                })
                .map(ByteArrayOutputStream::toByteArray)
                .defaultIfEmpty(new byte[0]);
    }

    /** Parses a document; anything malformed is MalformedXML. */
    public static Document parse(byte[] xml, String resource) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
    }

    /** The root element, which must have this local name (else MalformedXML). */
    public static Element root(Document doc, String localName, String resource) {
        Element root = doc.getDocumentElement();
        if (root == null || !localName.equals(localName(root))) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
        return root;
    }

    /** Direct children with this local name. */
    public static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(localName(e))) {
                out.add(e);
            }
        }
        return out;
    }

    /** Text of the first direct child with this local name, trimmed; null if absent. */
    public static String childText(Element parent, String localName) {
        List<Element> c = children(parent, localName);
        return c.isEmpty() ? null : c.get(0).getTextContent().trim();
    }

    private static String localName(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }
}
