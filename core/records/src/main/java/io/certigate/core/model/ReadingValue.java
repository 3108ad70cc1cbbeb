package io.certigate.core.model;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The {@code val} of a reading: an integer, an exact decimal (CBOR tag 4 decimal fraction, so an
 * odometer of 123456.7 km is certified exactly), a float, text or bytes.
 */
public sealed interface ReadingValue {

    record Int(long value) implements ReadingValue {
        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    record Decimal(BigDecimal value) implements ReadingValue {
        public Decimal {
            if (value.unscaledValue().bitLength() > 63) {
                throw new IllegalArgumentException("decimal mantissa exceeds 64 bits: " + value);
            }
        }

        @Override
        public String toString() {
            return value.toPlainString();
        }
    }

    record Float(double value) implements ReadingValue {
        @Override
        public String toString() {
            return Double.toString(value);
        }
    }

    record Text(String value) implements ReadingValue {
        @Override
        public String toString() {
            return value;
        }
    }

    record Bytes(byte[] value) implements ReadingValue {
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
            return HexFormat.of().formatHex(value);
        }
    }

    static ReadingValue of(long v) {
        return new Int(v);
    }

    static ReadingValue of(BigDecimal v) {
        return v.scale() <= 0 && v.toBigInteger().bitLength() <= 63 ? new Int(v.longValueExact()) : new Decimal(v);
    }

    static ReadingValue of(double v) {
        return new Float(v);
    }

    static ReadingValue of(String v) {
        return new Text(v);
    }

    /** The value as a number, when it is one. */
    default java.util.OptionalDouble asDouble() {
        if (this instanceof Int i) {
            return java.util.OptionalDouble.of(i.value());
        }
        if (this instanceof Decimal d) {
            return java.util.OptionalDouble.of(d.value().doubleValue());
        }
        if (this instanceof Float f) {
            return java.util.OptionalDouble.of(f.value());
        }
        return java.util.OptionalDouble.empty();
    }
}
