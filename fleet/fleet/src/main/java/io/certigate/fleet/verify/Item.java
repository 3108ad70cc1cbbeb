package io.certigate.fleet.verify;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.RecordHashes;
import io.certigate.fleet.topics.FindingType;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;

/**
 * One item of an uplink batch, read without re-encoding: a signed record (COSE_Sign1, its Reading
 * and its chain hash over exactly the received bytes) or an erasure tombstone
 * {@code {"dev", "seq", "leaf", "chain"}}. Its signature is not checked here.
 */
sealed interface Item {
    int TAG_18 = 0xd2;

    long seq();

    /** A COSE_Sign1 whose payload is a Reading of the device it came from. */
    record Signed(byte[] cose, CoseSign1.Parsed parsed, ChainedReading reading, byte[] chainHash) implements Item {
        byte[] keyId() {
            return parsed.keyId();
        }

        @Override
        public long seq() {
            return reading.seq();
        }

        byte[] prev() {
            return reading.prev();
        }
    }

    /** An erased record's seq and hashes (unsigned: provable only against a record held). */
    record Tombstone(long seq, byte[] leaf, byte[] chain) implements Item {
    }

    /** Reads an item of {@code device}'s batch; a {@link Refusal} names the finding when it is not one. */
    static Item read(String device, byte[] item) throws Refusal {
        if (item.length == 0) {
            throw new Refusal(FindingType.MALFORMED, 0, "empty item");
        }
        return (item[0] & 0xff) == TAG_18 ? signed(device, item) : tombstone(device, item);
    }

    static Signed signed(String device, byte[] cose) throws Refusal {
        CoseSign1.Parsed parsed;
        try {
            parsed = CoseSign1.parse(cose);
        } catch (CoseException e) {
            throw new Refusal(FindingType.MALFORMED, 0, "not a COSE_Sign1: " + e.getMessage());
        }
        ChainedReading c;
        try {
            c = ReadingCodec.decode(parsed.payload());
        } catch (RecordFormatException e) {
            throw new Refusal(FindingType.MALFORMED, 0, "carries no valid Reading: " + e.getMessage());
        }
        if (!c.device().equals(device)) {
            throw new Refusal(FindingType.WRONG_DEVICE, c.seq(), "record of device " + c.device()
                    + " arrived as a record of " + device);
        }
        return new Signed(cose, parsed, c, RecordHashes.chainHash(cose));
    }

    private static Tombstone tombstone(String device, byte[] item) throws Refusal {
        try {
            if (CborReader.decode(item) instanceof CborItem.MapItem m && m.entries().size() == 4
                    && m.get("dev") instanceof CborItem.Text dev && m.get("seq") instanceof CborItem.Int seq
                    && m.get("leaf") instanceof CborItem.Bytes leaf && m.get("chain") instanceof CborItem.Bytes chain
                    && leaf.value().length == 32 && chain.value().length == 32 && seq.value().signum() > 0) {
                long s = seq.longValueExact();
                if (!dev.value().equals(device)) {
                    throw new Refusal(FindingType.WRONG_DEVICE, s, "tombstone of device " + dev.value()
                            + " arrived as one of " + device);
                }
                return new Tombstone(s, leaf.value(), chain.value());
            }
        } catch (CborFormatException | ArithmeticException e) {
            // reported below
        }
        throw new Refusal(FindingType.MALFORMED, 0, "item is neither a COSE_Sign1 nor an erasure tombstone");
    }
}
