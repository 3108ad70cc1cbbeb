package io.certigate.provisioning.technician;

import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.ca.ProvisioningException;
import io.certigate.provisioning.enrol.EnrolmentException;
import io.certigate.provisioning.enrol.EnrolmentProtocol;
import io.certigate.provisioning.enrol.ProvisioningPsk;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.signing.Csr;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.trust.ChainValidator;
import io.certigate.verifier.trust.TrustException;
import java.net.URI;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The technician's provisioning run: fetch the device's CSR and ledger account over DTLS, have the
 * consortium CA issue the certificate (proof of possession and expected identity checked), register
 * the key on the ledger, install the chain and ledger settings on the device, and verify the signed
 * test record it answers with: a normal record of the device chain committed by its sequencer
 * (signature by the certified key, chain link, our nonce), and the certificate chain to the root.
 */
public final class Provisioner {
    private final ConsortiumCa ca;
    private final DeviceRegistryClient registry;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration timeout;

    /** What the technician asks for. */
    public record Request(URI device, ProvisioningPsk psk, Csr.Identity expected, Duration validity,
            Map<String, String> ledgerSettings) {}

    public Provisioner(ConsortiumCa ca, DeviceRegistryClient registry, Clock clock, SecureRandom random,
            Duration timeout) {
        this.ca = ca;
        this.registry = registry;
        this.clock = clock;
        this.random = random;
        this.timeout = timeout;
    }

    public ProvisioningRecord provision(Request request)
            throws EnrolmentException, ProvisioningException, LedgerException, InterruptedException {
        try (EnrolmentClient device = new EnrolmentClient(request.device(), request.psk(), timeout)) {
            String account = device.ledgerAccount();
            byte[] csr = device.csr();
            List<X509Certificate> chain = ca.issue(csr, request.expected(), request.validity());
            X509Certificate leaf = chain.get(0);
            DeviceRegistryClient.Receipt reg = registry.register(request.expected().deviceId(), leaf.getPublicKey(), leaf,
                    account);
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            byte[] cose = device.install(new EnrolmentProtocol.Install(chain, request.ledgerSettings(), nonce));
            verifyTestRecord(cose, chain, nonce, request.expected());
            return new ProvisioningRecord(request.expected(), chain, account, registry.address(), reg.txHash(),
                    reg.block(), cose, clock.instant());
        }
    }

    private void verifyTestRecord(byte[] cose, List<X509Certificate> chain, byte[] nonce, Csr.Identity expected)
            throws ProvisioningException {
        try {
            EnrolmentProtocol.verifyTestRecord(cose, chain.get(0).getPublicKey(), expected.deviceId(), nonce);
        } catch (EnrolmentException e) {
            throw new ProvisioningException("the device's test record does not verify: " + e.getMessage(), e);
        }
        Csr.Identity installed;
        try {
            installed = new ChainValidator(ca.root()).validate(chain, clock.instant());
        } catch (TrustException e) {
            throw new ProvisioningException(e.getMessage(), e);
        }
        if (!installed.equals(expected)) {
            throw new ProvisioningException("the installed certificate names another device");
        }
    }

    /** Revokes the device key of a provisioning record on the ledger. */
    public static DeviceRegistryClient.Receipt decommission(DeviceRegistryClient registry, ProvisioningRecord record,
            String reason) throws LedgerException, InterruptedException {
        return registry.revoke(record.chain().get(0).getPublicKey(), reason);
    }
}
