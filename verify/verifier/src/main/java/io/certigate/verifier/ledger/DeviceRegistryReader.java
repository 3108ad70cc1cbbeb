package io.certigate.verifier.ledger;

import java.security.PublicKey;
import java.util.Optional;

/**
 * Reads the {@code DeviceRegistry} contract through a {@link LedgerReader}: a device key's status at
 * a block, the blocks of its registration, rotation and revocation, and whether (and for which device) a ledger
 * account belongs to an active device. Nothing is signed here;
 * device-provisioning's {@code DeviceRegistryClient} adds the registrar's transactions.
 */
public class DeviceRegistryReader {
    private final LedgerReader ledger;
    private final String registry;

    /** @param registry the registry contract's address */
    public DeviceRegistryReader(LedgerReader ledger, String registry) {
        this.ledger = ledger;
        this.registry = registry;
    }

    public String address() {
        return registry;
    }

    public RegistryAbi.Status statusAt(PublicKey key, long block) throws LedgerException {
        return RegistryAbi.status(ledger.callContract(registry,
                RegistryAbi.encodeStatusAt(RegistryAbi.keyHash(key), block)));
    }

    /** The blocks that registered, superseded and revoked {@code key} (all 0 for an unknown key). */
    public RegistryAbi.KeyEntry entry(PublicKey key) throws LedgerException {
        return RegistryAbi.keyEntry(ledger.callContract(registry, RegistryAbi.encodeEntries(RegistryAbi.keyHash(key))));
    }

    public boolean isActiveAccount(String account) throws LedgerException {
        return RegistryAbi.word(ledger.callContract(registry, RegistryAbi.encodeIsActiveAccount(account))).signum() != 0;
    }

    /**
     * The device (its {@code bytes32}, {@link AnchorAbi#deviceKey}) whose active key anchors from
     * {@code account}: the only device the anchor contract lets that account anchor for. Empty when
     * no current, unrevoked key uses the account.
     */
    public Optional<byte[]> deviceOfAccount(String account) throws LedgerException {
        return RegistryAbi.activeDevice(ledger.callContract(registry, RegistryAbi.encodeDeviceOfAccount(account)));
    }
}
