package io.certigate.meter.coap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Strict decoder of SenML packs (RFC 8428) in JSON (§5, {@code application/senml+json}, CoAP
 * content format 110) and CBOR (§6, {@code application/senml+cbor}, 112, read by the strict {@link SenmlCbor}), with
 * base-field resolution (§4.6). Duplicate keys are refused in both forms. Unknown fields
 * are ignored unless they end in "_" (must-understand, §4.4), which is refused. Pure.
 */
public final class SenmlDecoder {
    public static final int MAX_RECORDS = 256;
    private static final int SUPPORTED_VERSION = 10;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:./_-]*");
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** RFC 8428 Table 6: the CBOR integer labels of the JSON field names. */
    private static final Map<Long, String> CBOR_LABELS = Map.ofEntries(Map.entry(-1L, "bver"), Map.entry(-2L, "bn"),
            Map.entry(-3L, "bt"), Map.entry(-4L, "bu"), Map.entry(-5L, "bv"), Map.entry(-6L, "bs"), Map.entry(0L, "n"),
            Map.entry(1L, "u"), Map.entry(2L, "v"), Map.entry(3L, "vs"), Map.entry(4L, "vb"), Map.entry(5L, "s"),
            Map.entry(6L, "t"), Map.entry(7L, "ut"), Map.entry(8L, "vd"));

    private SenmlDecoder() {}

    public static List<SenmlRecord> decodeJson(byte[] payload) throws SenmlException {
        List<Map<String, Object>> raw = new ArrayList<>();
        try (JsonParser p = JSON.createParser(payload)) {
            expect(p.nextToken() == JsonToken.START_ARRAY, "a SenML pack is a JSON array");
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                expect(t == JsonToken.START_OBJECT, "each SenML record is a JSON object");
                expect(raw.size() < MAX_RECORDS, "more than " + MAX_RECORDS + " records");
                Map<String, Object> rec = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonToken v = p.nextToken();
                    if (v == JsonToken.VALUE_STRING) {
                        rec.put(key, p.getText());
                    } else if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                        rec.put(key, p.getDoubleValue());
                    } else if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                        rec.put(key, v == JsonToken.VALUE_TRUE);
                    } else {
                        throw new SenmlException(SenmlException.Problem.MALFORMED, "field '" + key + "' is not a string, number or boolean");
                    }
                }
                raw.add(rec);
            }
            expect(p.nextToken() == null, "trailing data after the SenML array");
        } catch (JsonProcessingException e) {
            throw new SenmlException(SenmlException.Problem.MALFORMED, "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new SenmlException(SenmlException.Problem.MALFORMED, "invalid JSON: " + e.getMessage());
        }
        return resolve(raw, false);
    }

    public static List<SenmlRecord> decodeCbor(byte[] payload) throws SenmlException {
        List<Map<String, Object>> raw = new ArrayList<>();
        for (Map<Object, Object> rec : SenmlCbor.read(payload)) {
            Map<String, Object> named = new LinkedHashMap<>();
            for (Map.Entry<Object, Object> e : rec.entrySet()) {
                String key = e.getKey() instanceof Long l ? CBOR_LABELS.getOrDefault(l, "#" + l) : (String) e.getKey();
                Object v = e.getValue() instanceof Long l ? Double.valueOf(l) : e.getValue();
                if (named.put(key, v) != null) {
                    throw new SenmlException(SenmlException.Problem.MALFORMED, "field '" + key + "' given twice");
                }
            }
            raw.add(named);
        }
        return resolve(raw, true);
    }

    private static List<SenmlRecord> resolve(List<Map<String, Object>> raw, boolean cbor) throws SenmlException {
        expect(!raw.isEmpty(), "empty SenML pack");
        String bn = "";
        double bt = 0;
        String bu = null;
        double bv = 0;
        double bs = 0;
        List<SenmlRecord> out = new ArrayList<>(raw.size());
        for (Map<String, Object> r : raw) {
            for (String key : r.keySet()) {
                if (key.endsWith("_")) {
                    throw new SenmlException(SenmlException.Problem.UNSUPPORTED, "must-understand field '" + key + "' is not supported");
                }
            }
            Double bver = num(r, "bver");
            if (bver != null && (bver != Math.rint(bver) || bver < 1 || bver > SUPPORTED_VERSION)) {
                throw new SenmlException(SenmlException.Problem.UNSUPPORTED, "SenML base version " + bver + " is not supported");
            }
            bn = r.containsKey("bn") ? text(r, "bn") : bn;
            bt = r.containsKey("bt") ? num(r, "bt") : bt;
            bu = r.containsKey("bu") ? text(r, "bu") : bu;
            bv = r.containsKey("bv") ? num(r, "bv") : bv;
            bs = r.containsKey("bs") ? num(r, "bs") : bs;
            String name = bn + (r.containsKey("n") ? text(r, "n") : "");
            if (name.isEmpty()) {
                throw new SenmlException(SenmlException.Problem.MISSING_FIELD, "record " + out.size() + " has no name (n or bn)");
            }
            expect(name.length() <= 128 && NAME.matcher(name).matches(), "record name '" + abbreviate(name) + "' is not a valid SenML name");
            String unit = r.containsKey("u") ? text(r, "u") : bu;
            Double t = num(r, "t");
            Double v = num(r, "v");
            Double s = num(r, "s");
            String vs = r.containsKey("vs") ? text(r, "vs") : null;
            Boolean vb = r.containsKey("vb") ? bool(r, "vb") : null;
            byte[] vd = r.containsKey("vd") ? data(r.get("vd"), cbor) : null;
            int values = (v != null ? 1 : 0) + (vs != null ? 1 : 0) + (vb != null ? 1 : 0) + (vd != null ? 1 : 0);
            expect(values <= 1, "record '" + name + "' has more than one value field");
            if (values == 0 && s == null) {
                throw new SenmlException(SenmlException.Problem.MISSING_FIELD, "record '" + name + "' has no value and no sum");
            }
            double time = bt + (t == null ? 0 : t);
            Double value = v == null ? null : bv + v;
            Double sum = s == null ? null : bs + s;
            expect(Double.isFinite(time) && (value == null || Double.isFinite(value)) && (sum == null || Double.isFinite(sum)),
                    "record '" + name + "' has a non-finite number");
            out.add(new SenmlRecord(name, unit, time, value, vs, vb, vd, sum));
        }
        return List.copyOf(out);
    }

    private static Double num(Map<String, Object> r, String key) throws SenmlException {
        Object o = r.get(key);
        expect(o == null || o instanceof Double, "field '" + key + "' must be a number");
        return (Double) o;
    }

    private static String text(Map<String, Object> r, String key) throws SenmlException {
        Object o = r.get(key);
        expect(o instanceof String, "field '" + key + "' must be a string");
        return (String) o;
    }

    private static Boolean bool(Map<String, Object> r, String key) throws SenmlException {
        Object o = r.get(key);
        expect(o instanceof Boolean, "field '" + key + "' must be a boolean");
        return (Boolean) o;
    }

    private static byte[] data(Object o, boolean cbor) throws SenmlException {
        if (cbor) {
            expect(o instanceof byte[], "field 'vd' must be a byte string in CBOR");
            return (byte[]) o;
        }
        expect(o instanceof String, "field 'vd' must be base64url text in JSON");
        try {
            return Base64.getUrlDecoder().decode((String) o);
        } catch (IllegalArgumentException e) {
            throw new SenmlException(SenmlException.Problem.MALFORMED, "field 'vd' is not base64url");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static void expect(boolean ok, String message) throws SenmlException {
        if (!ok) {
            throw new SenmlException(SenmlException.Problem.MALFORMED, message);
        }
    }
}
