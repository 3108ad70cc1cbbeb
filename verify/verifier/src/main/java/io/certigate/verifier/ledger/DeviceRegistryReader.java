package io.certigate.verifier.ledger;

import java.security.PublicKey;

/**
 * Reads the {@code DeviceRegistry} contract through a {@link LedgerReader}: a device key's status at
 * a block, the blocks of its registration, rotation and revocation, and whether a ledger account belongs to an active device. Nothing is signed here;
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
}
