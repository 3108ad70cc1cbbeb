package io.certigate.kura.enrolment;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Metatype of the enrolment agent: the keys of {@code ProvisioningSettings} (those of
 * {@code certigate run}'s provisioning mode, PKCS#12 key backend), as the standalone file spells
 * them ({@code _} in a name stands for '.', {@code $_$} for '-'). Passphrases are given by their
 * source. The former ids ({@code enrol.*}) are read as former keys.
 */
@ObjectClassDefinition(id = EnrolmentComponent.PID, name = "certigate enrolment agent",
        description = "While the device is in provisioning mode, serves the technician's enrolment over CoAP/DTLS with a one-time PSK.")
public @interface EnrolmentConfig {

    @AttributeDefinition(name = "State directory", description = "Holds the provisioning-mode marker, the PSK label and the ledger settings.")
    String provisioning_state$_$dir();

    @AttributeDefinition(name = "Device key store", description = "PKCS#12 file of the device key (made if missing; the spine's key.store).")
    String key_store();

    @AttributeDefinition(name = "Key store passphrase", description = "file:PATH or env:NAME (never the secret itself).")
    String key_passphrase();

    @AttributeDefinition(name = "Buffer file", description = "The spine's buffer.file: the test reading asked by the "
            + "technician is committed there, through the device's sequencer, as the first record signed by the installed key.")
    String buffer_file();

    @AttributeDefinition(name = "Key algorithm", options = {
        @Option(label = "Ed25519", value = "ed25519"), @Option(label = "ECDSA P-256", value = "es256")})
    String provisioning_algorithm() default "ed25519";

    @AttributeDefinition(name = "Address", description = "host:port the DTLS endpoint listens on.")
    String provisioning_listen() default "0.0.0.0:5684";

    @AttributeDefinition(name = "Timeout (s)", min = "1", max = "3600", description = "DTLS handshake and exchange timeout.")
    long provisioning_timeout$_$s() default 30;

    @AttributeDefinition(name = "Failed handshakes per peer", min = "1", max = "10000",
            description = "Failed handshakes in a row after which a peer address is refused for a while (doubling, at most an hour); other peers and the PSK are unaffected.")
    int provisioning_max$_$handshakes() default 20;

    @AttributeDefinition(name = "Consortium root",
            description = "The consortium root certificate (PEM file) the installed chain must validate up to.")
    String provisioning_trust$_$root();

    @AttributeDefinition(name = "Device id")
    String device_id();

    @AttributeDefinition(name = "Serial number")
    String provisioning_serial();

    @AttributeDefinition(name = "Model")
    String provisioning_model();

    @AttributeDefinition(name = "Subject", description = "What the device certifies: vin:<VIN>, meter:<id> or site:<id>.")
    String provisioning_subject();

    @AttributeDefinition(name = "Ledger account key", required = false,
            description = "The gateway's ledger account key file (made if missing), whose address the technician registers; empty: none.")
    String provisioning_ledger$_$account$_$key() default "";

    @AttributeDefinition(name = "Ledger account passphrase", required = false, description = "file:PATH or env:NAME.")
    String provisioning_ledger$_$passphrase() default "";
}
