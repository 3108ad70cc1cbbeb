package io.certigate.fleet.verify;

import io.certigate.core.config.ConfigValues;
import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Type;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.uplink.mqtt.TlsSettings;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the verification stage's trust comes from, as settings: the consortium CA certificates that
 * status messages' chains must validate to, files of configured device keys, and optionally the
 * ledger's device registry (as the collector's {@code --ca}, {@code --keys}, {@code --rpc},
 * {@code --chain-id} and {@code --registry}). {@link #open} builds the {@link DeviceKeys} the
 * topology takes; close it to release the ledger connection.
 *
 * @param keys   the trusted keys and trust anchors
 * @param ledger the registry's ledger connection, or null without a registry
 */
public record FleetVerifyTrust(DeviceKeys keys, LedgerReader ledger) implements AutoCloseable {
    public static final Setting CA = Setting.of("fleet.verify.ca", Type.PATH, null,
            "PEM file of the consortium CA certificates that devices' certificate chains must validate to");
    public static final Setting KEY_FILES = Setting.of("fleet.verify.keys", Type.TEXT, null,
            "comma-separated files of configured device keys (export files, or PEM device certificates whose CN is"
                    + " the device id)");
    public static final Setting REGISTRY_RPC = Setting.of("fleet.verify.registry.rpc-url", Type.TEXT, null,
            "JSON-RPC endpoint (http or https) of a ledger node, for the device registry");
    public static final Setting REGISTRY_CHAIN_ID = Setting.wholeWithoutDefault("fleet.verify.registry.chain-id", 1,
            Long.MAX_VALUE, "", "chain id the ledger node must report");
    public static final Setting REGISTRY_ADDRESS = Setting.of("fleet.verify.registry.address", Type.TEXT, null,
            "address of the DeviceRegistry contract a learned key must be ACTIVE in");

    public static final List<Setting> ALL = List.of(CA, KEY_FILES, REGISTRY_RPC, REGISTRY_CHAIN_ID, REGISTRY_ADDRESS);

    /**
     * Reads the CA and key files and, when the registry settings are given (all three or none),
     * connects to the ledger and checks its chain id.
     *
     * @param clock the time certificate chains are validated at
     * @throws IllegalArgumentException a setting that is wrong, naming it
     * @throws IOException              a file that cannot be read
     * @throws LedgerException          a ledger node that does not answer or reports another chain
     */
    public static FleetVerifyTrust open(ConfigValues c, Clock clock) throws IOException, LedgerException {
        String ca = c.text(CA);
        List<X509Certificate> cas = ca.isEmpty() ? List.of() : TlsSettings.readCertificates(Path.of(ca));
        String rpc = c.text(REGISTRY_RPC);
        String address = c.text(REGISTRY_ADDRESS);
        boolean chainGiven = !c.text(REGISTRY_CHAIN_ID.key()).isEmpty();
        LedgerReader ledger = null;
        DeviceKeys.Registry registry = null;
        if (!rpc.isEmpty() || !address.isEmpty() || chainGiven) {
            if (rpc.isEmpty() || address.isEmpty() || !chainGiven) {
                throw new IllegalArgumentException(REGISTRY_RPC.key() + ", " + REGISTRY_CHAIN_ID.key() + " and "
                        + REGISTRY_ADDRESS.key() + " go together");
            }
            long chainId = c.whole(REGISTRY_CHAIN_ID);
            LedgerReader.checkRpcUrl(rpc);
            ledger = LedgerReader.connect(rpc, LedgerReader.checkAddress(address));
            try {
                ledger.checkChain(chainId);
            } catch (LedgerException | RuntimeException e) {
                ledger.close();
                throw e;
            }
            registry = new DeviceKeys.Registry(ledger, new DeviceRegistryReader(ledger, address));
        }
        DeviceKeys keys = new DeviceKeys(cas, false, registry, clock);
        List<String> files = new ArrayList<>();
        for (String f : c.text(KEY_FILES).split(",")) {
            if (!f.isBlank()) {
                files.add(f.trim());
            }
        }
        try {
            for (String f : files) {
                keys.load(Path.of(f));
            }
        } catch (IOException | RuntimeException e) {
            if (ledger != null) {
                ledger.close();
            }
            throw e;
        }
        return new FleetVerifyTrust(keys, ledger);
    }

    @Override
    public void close() {
        if (ledger != null) {
            ledger.close();
        }
    }
}
