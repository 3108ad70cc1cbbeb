package io.certigate.app.report;

import io.certigate.app.spine.BufferEntries;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.spine.DeviceIdentity;
import io.certigate.verifier.export.EntrySource;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.export.ExportReader;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * What a passport is read from: the device, the keys and certificate chains the input carries (an
 * export's header, a buffer's stored identities) and its entries as a stream, read once.
 *
 * @param keys             the device's public keys, oldest first
 * @param certificateChain the current key's certificate chain (leaf first), empty if none
 * @param keyChains        per key (same order) the chain stored with it, empty when none
 * @param entries          the entries in seq order
 */
public record PassportSource(String device, List<PublicKey> keys, List<X509Certificate> certificateChain,
        List<List<X509Certificate>> keyChains, EntrySource entries) {
    public PassportSource {
        keys = List.copyOf(keys);
        certificateChain = List.copyOf(certificateChain);
        keyChains = List.copyOf(keyChains);
    }

    /** An export being read: its header, then its entries. */
    public static PassportSource of(ExportReader export) {
        return new PassportSource(export.device(), export.keys(), export.certificateChain(), export.keyChains(), export);
    }

    /**
     * An open buffer, read page by page: its keys and chains as an export of it would carry them
     * (every stored identity, the newest chain as the current one).
     *
     * @param file the buffer's file, named in errors
     */
    public static PassportSource of(RecordBuffer buffer, Path file) throws BufferException {
        List<List<X509Certificate>> chains = DeviceIdentity.chains(buffer);
        List<PublicKey> keys = chains.stream().map(c -> c.get(0).getPublicKey()).toList();
        return new PassportSource(buffer.deviceId(), keys, chains.isEmpty() ? List.of() : chains.get(chains.size() - 1), chains,
                new BufferEntries(buffer, file));
    }

    /** Each key with the certificate chain the input carries for it (nothing trusted yet). */
    public Map<PublicKey, List<X509Certificate>> chainsByKey() {
        return ExportFile.chainsByKey(keys, certificateChain, keyChains);
    }
}
