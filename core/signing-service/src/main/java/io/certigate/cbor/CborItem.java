package io.certigate.cbor;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A decoded CBOR data item (RFC 8949 §3). Immutable; maps keep the order of the encoding, which for
 * a deterministically encoded item is the canonical order of RFC 8949 §4.2.1.
 */
public sealed interface CborItem {

    /** Major types 0 and 1: an integer in the range −2^64 … 2^64−1. */
    record Int(BigInteger value) implements CborItem {
        public long longValueExact() {
            return value.longValueExact();
        }
    }

    /** Major type 2. */
    record Bytes(byte[] value) implements CborItem {
        public Bytes {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "h'" + java.util.HexFormat.of().formatHex(value) + "'";
        }
    }

    /** Major type 3. */
    record Text(String value) implements CborItem {}

    /** Major type 4. */
    record Array(List<CborItem> items) implements CborItem {
        public Array {
            items = List.copyOf(items);
        }
    }

    /** Major type 5; the map's iteration order is the order of the encoding. */
    record MapItem(Map<CborItem, CborItem> entries) implements CborItem {
        public MapItem {
            entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
        }

        public CborItem get(String textKey) {
            return entries.get(new Text(textKey));
        }

        public CborItem get(long intKey) {
            return entries.get(new Int(BigInteger.valueOf(intKey)));
        }
    }

    /** Major type 6. */
    record Tagged(long tag, CborItem content) implements CborItem {}

    /** Major type 7, simple values false, true, null, undefined and the others. */
    record Simple(int value) implements CborItem {
        public static final Simple FALSE = new Simple(20);
        public static final Simple TRUE = new Simple(21);
        public static final Simple NULL = new Simple(22);
        public static final Simple UNDEFINED = new Simple(23);
    }

    /** Major type 7, floating point (half, single or double on the wire). */
    record Float(double value) implements CborItem {
        @Override
        public boolean equals(Object o) {
            return o instanceof Float f && Double.compare(value, f.value) == 0;
        }

        @Override
        public int hashCode() {
            return Double.hashCode(value);
        }
    }
}
