package io.certigate.kura.enrolment;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Metatype of the enrolment agent: the options of {@code certigate enrol} (PKCS#12 key backend).
 * Passphrases are given by their source. {@code $_$} in a name stands for '-'.
 */
@ObjectClassDefinition(id = EnrolmentComponent.PID, name = "certigate enrolment agent",
        description = "While the device is in provisioning mode, serves the technician's enrolment over CoAP/DTLS with a one-time PSK.")
public @interface EnrolmentConfig {

    @AttributeDefinition(name = "State directory", description = "Holds the provisioning-mode marker, the PSK label and the ledger settings.")
    String enrol_state$_$dir();

    @AttributeDefinition(name = "Device key store", description = "PKCS#12 file of the device key (made if missing; the spine's key.store).")
    String enrol_key$_$store();

    @AttributeDefinition(name = "Key store passphrase", description = "file:PATH or env:NAME (never the secret itself).")
    String enrol_key$_$passphrase();

    @AttributeDefinition(name = "Buffer file", description = "The spine's buffer.file: the test reading asked by the "
            + "technician is committed there, through the device's sequencer, as the first record signed by the installed key.")
    String buffer_file();

    @AttributeDefinition(name = "Key algorithm", options = {
        @Option(label = "Ed25519", value = "ed25519"), @Option(label = "ECDSA P-256", value = "es256")})
    String enrol_algorithm() default "ed25519";

    @AttributeDefinition(name = "Address", description = "host:port the DTLS endpoint listens on.")
    String enrol_bind() default "0.0.0.0:5684";

    @AttributeDefinition(name = "Timeout (s)", min = "1", description = "DTLS handshake and exchange timeout.")
    long enrol_timeout$_$s() default 30;

    @AttributeDefinition(name = "Failed handshakes per peer", min = "1",
            description = "Failed handshakes in a row after which a peer address is refused for a while (doubling, at most an hour); other peers and the PSK are unaffected.")
    int enrol_max$_$handshakes() default 20;

    @AttributeDefinition(name = "Consortium root",
            description = "The consortium root certificate (PEM file) the installed chain must validate up to.")
    String enrol_trust$_$root();

    @AttributeDefinition(name = "Device id")
    String device_id();

    @AttributeDefinition(name = "Serial number")
    String enrol_serial();

    @AttributeDefinition(name = "Model")
    String enrol_model();

    @AttributeDefinition(name = "Subject kind", options = {
        @Option(label = "Vehicle (VIN)", value = "vin"), @Option(label = "Meter", value = "meter"), @Option(label = "Site", value = "site")})
    String enrol_subject$_$kind();

    @AttributeDefinition(name = "Subject", description = "The VIN, meter id or site the device is bound to.")
    String enrol_subject();

    @AttributeDefinition(name = "Ledger account key", required = false,
            description = "The gateway's ledger account key file (made if missing), whose address the technician registers; empty: none.")
    String enrol_ledger$_$account$_$key() default "";

    @AttributeDefinition(name = "Ledger account passphrase", required = false, description = "file:PATH or env:NAME.")
    String enrol_ledger$_$account$_$pass() default "";
}
