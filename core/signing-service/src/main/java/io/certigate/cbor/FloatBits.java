package io.certigate.cbor;

/** IEEE 754 half-precision conversions (RFC 8949 Appendix D). */
final class FloatBits {
    private FloatBits() {}

    /** The binary16 bits of {@code f} when it is exactly representable, else −1. */
    static int toHalfExact(float f) {
        int bits = java.lang.Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return mant == 0 ? sign | 0x7c00 : -1; // infinities; NaN is handled by the caller
        }
        if (exp == 0 && mant == 0) {
            return sign; // ±0
        }
        int e = exp - 127; // unbiased exponent
        if (e >= -14 && e <= 15) { // normal half
            if ((mant & 0x1fff) != 0) {
                return -1;
            }
            return sign | ((e + 15) << 10) | (mant >>> 13);
        }
        if (e >= -24 && e < -14) { // subnormal half: value = m * 2^-24
            int full = mant | 0x800000; // 24-bit significand
            int shift = -e - 14 + 13; // bits lost when shifting into a 10-bit subnormal
            if ((full & ((1 << shift) - 1)) != 0) {
                return -1;
            }
            return sign | (full >>> shift);
        }
        return -1;
    }

    static double halfToDouble(int half) {
        int exp = (half >>> 10) & 0x1f;
        int mant = half & 0x3ff;
        double val;
        if (exp == 0) {
            val = Math.scalb((double) mant, -24);
        } else if (exp != 31) {
            val = Math.scalb((double) (mant + 1024), exp - 25);
        } else {
            val = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        }
        return (half & 0x8000) != 0 ? -val : val;
    }
}
