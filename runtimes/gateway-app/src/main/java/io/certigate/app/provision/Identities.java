package io.certigate.app.provision;

import io.certigate.core.io.OutputFile;
import io.certigate.signing.Csr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import picocli.CommandLine.Option;

/** The identity options shared by the CA, technician and device commands. */
final class Identities {
    @Option(names = "--device-id", required = true, description = "Device id (the reading's 'dev').")
    String deviceId;

    @Option(names = "--serial", required = true, description = "Device serial number.")
    String serial;

    @Option(names = "--model", required = true, description = "Device model.")
    String model;

    @Option(names = "--subject", required = true, description = "What it certifies: vin:<VIN>, meter:<id> or site:<id>.")
    String subject;

    Csr.Identity identity() {
        return DeviceEnrolment.identity(deviceId, serial, model, subject, "--subject");
    }

    /** Writes {@code certs} as PEM to {@code file} through {@link OutputFile}; it may not be one of {@code inputs}. */
    static Path writePem(Path file, List<X509Certificate> certs, Path... inputs) throws IOException {
        List<String> lines = new ArrayList<>();
        for (X509Certificate c : certs) {
            lines.add("-----BEGIN CERTIFICATE-----");
            try {
                lines.add(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IOException("certificate cannot be encoded", e);
            }
            lines.add("-----END CERTIFICATE-----");
        }
        Path abs = file.toAbsolutePath();
        OutputFile.checkNotAnInput(abs, inputs);
        Files.createDirectories(abs.getParent());
        OutputFile.write(abs, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII), inputs);
        return abs;
    }
}
