package io.certigate.anchor.ledger;

import java.math.BigInteger;

/** A signed raw transaction: its bytes, its hash (known before it is sent) and its nonce. */
public record SignedTx(byte[] raw, String hash, BigInteger nonce) {
    public SignedTx {
        raw = raw.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }
}
