package io.certigate.app.provision;

import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.provisioning.technician.Provisioner;
import io.certigate.provisioning.technician.ProvisioningRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code certigate decommission}: revokes a provisioned device's key on the ledger registry. */
@Command(name = "decommission", mixinStandardHelpOptions = true,
        description = {"Revoke the device key of a provisioning record in the ledger's DeviceRegistry.",
            "The device can no longer anchor; what it anchored before the revocation block stays valid."})
public final class DecommissionCommand implements Callable<Integer> {
    @Option(names = "--record", required = true, description = "The device's provisioning record.")
    Path record;

    @Option(names = "--reason", required = true, description = "Why (stored in the Revoked event).")
    String reason;

    @Mixin
    LedgerOptions ledger;

    @Override
    public Integer call() throws Exception {
        ProvisioningRecord r = ProvisioningRecord.read(record);
        try (LedgerClient c = LedgerClient.connect(ledger.config())) {
            c.checkChain();
            DeviceRegistryClient.Receipt revoked = Provisioner.decommission(
                    new DeviceRegistryClient(c, ledger.registry, ledger.registrar(), Duration.ofMinutes(2)), r, reason);
            System.out.println("revoked " + r.identity().deviceId() + " in block " + revoked.block() + " (tx "
                    + revoked.txHash() + "): " + reason);
        }
        return 0;
    }
}
