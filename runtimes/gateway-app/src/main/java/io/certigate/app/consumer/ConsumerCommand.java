package io.certigate.app.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.fleet.consumer.ConsumerApiServer;
import io.certigate.fleet.consumer.SealedCopy;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import io.certigate.uplink.mqtt.TlsSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import javax.crypto.SecretKey;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code certigate consumer}: a consumer's side of the fleet's consumer API (issue #19) for sealed
 * copies ({@link SealedCopy}). {@code fetch} stores a sealed copy (never plaintext); {@code open} asks
 * the fleet for the copy's key, which the fleet gives only while the holder's consent is in force,
 * decrypts in memory, checks every decrypted record against the leaf hash the copy's export holds,
 * and writes a normal export for {@code certigate verify FILE}.
 */
@Command(name = "consumer", mixinStandardHelpOptions = true,
        description = "A consumer's sealed copies of a subject's records, readable only while the holder's consent"
                + " is in force.",
        subcommands = {ConsumerCommand.Fetch.class, ConsumerCommand.Open.class})
public final class ConsumerCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int REFUSED = 1;
    static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The fleet's consumer API and the consumer's client certificate. */
    static final class Api {
        @Option(names = "--api", required = true, paramLabel = "URL",
                description = "The fleet's consumer API, https://host:port.")
        URI api;

        @Option(names = "--key-store", required = true, paramLabel = "P12",
                description = "The consumer's client key store (PKCS#12, a certificate of the consortium CA).")
        Path keyStore;

        @Option(names = "--passphrase-source", required = true, paramLabel = "SRC",
                description = "The key store's passphrase: file:PATH or env:NAME.")
        String passphraseSource;

        @Option(names = "--ca", required = true, paramLabel = "PEM",
                description = "The consortium CA (PEM) that the fleet's certificate chains to.")
        Path ca;

        @Option(names = "--subject", required = true, description = "The subject (VIN or meter id), as in the request"
                + " the consumer makes; the copy never holds it in clear.")
        String subject;

        @Option(names = "--purpose", required = true, description = "Purpose code of the consent, such as"
                + " insurance.mileage.")
        String purpose;

        HttpClient client() throws IOException, GeneralSecurityException {
            if (!"https".equals(api.getScheme()) || api.getHost() == null) {
                throw new IllegalArgumentException("--api " + api + " is not an https:// address");
            }
            char[] pass;
            try {
                pass = Passphrase.resolve("--passphrase-source", passphraseSource);
            } catch (SigningException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            try {
                SSLContext tls = ConsumerApiServer.tls(keyStore, pass, TlsSettings.readCertificates(ca));
                return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(15)).build();
            } finally {
                Arrays.fill(pass, '\0');
            }
        }

        URI uri(String endpoint, String query) {
            String base = api.toString().replaceAll("/+$", "");
            return URI.create(base + "/v1/subjects/" + enc(subject) + "/" + endpoint + "?purpose=" + enc(purpose)
                    + query);
        }

        HttpResponse<byte[]> get(HttpClient http, URI uri) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Fetch a sealed copy of a subject's records: the device's chain with every record hash-only,"
                + " and the records the consent covers encrypted under a copy key the fleet keeps.",
                "The file verifies as a chain by itself and holds no reading; `consumer open` reads it while the"
                    + " consent is in force. Nothing is written in clear."},
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:copy stored", "1:refused by the fleet (its reason is printed)",
                "2:bad options, an answer that is not a sealed copy, or the fleet unreachable"})
    static final class Fetch implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Api api;

        @Option(names = "--device", description = "The device, when the subject's records come from several.")
        String device;

        @Option(names = "--kinds", paramLabel = "KIND,...", description = "Only these reading kinds (default: all"
                + " that the consents in force cover).")
        String kinds;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the sealed copy goes.")
        Path out;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            HttpResponse<byte[]> r;
            try {
                r = api.get(api.client(), api.uri("records", "&format=sealed"
                        + (device == null ? "" : "&device=" + enc(device))
                        + (kinds == null ? "" : "&kinds=" + enc(kinds))));
            } catch (IOException e) {
                err.println("consumer fetch: the fleet at " + api.api + " did not answer: " + e.getMessage());
                return BAD_INPUT;
            }
            if (r.statusCode() != 200) {
                return refused(err, "consumer fetch", r);
            }
            SealedCopy.Copy copy;
            try {
                copy = SealedCopy.parse(JSON.readTree(r.body()), "the fleet's answer");
            } catch (IOException | IllegalArgumentException e) {
                err.println("consumer fetch: " + e.getMessage());
                return BAD_INPUT;
            }
            Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".sealed-copy-", ".tmp");
            Files.write(tmp, r.body());
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            PrintWriter o = spec.commandLine().getOut();
            o.println("sealed copy of device " + copy.header().device() + " saved in " + out + ": "
                    + copy.sealed().size() + " record(s) sealed (" + String.join(", ", copy.header().kinds())
                    + "), " + (copy.export().path("records").size() - copy.sealed().size())
                    + " other record(s) hash-only; key " + copy.header().keyId() + ", served at block "
                    + copy.header().block());
            o.println("it opens with `certigate consumer open` while the consent is in force");
            return 0;
        }
    }

    @Command(name = "open", mixinStandardHelpOptions = true,
            description = {"Open a sealed copy: ask the fleet for its key (given only while the holder's consent is in"
                + " force), decrypt in memory, check each record against the leaf hash in the copy, and write a"
                + " normal export that `certigate verify` checks.",
                "The key is never written; once the consent is revoked or has ended, the fleet destroys it and the"
                    + " copy stays a hash-only chain."},
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:export written", "1:refused by the fleet (revoked, expired, key destroyed, ...)",
                "2:bad options, a malformed copy, a copy that does not open, or the fleet unreachable"})
    static final class Open implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Api api;

        @Option(names = "--copy", required = true, paramLabel = "FILE", description = "The sealed copy (consumer fetch).")
        Path copyFile;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the export goes.")
        Path out;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            SealedCopy.Copy copy;
            try {
                copy = SealedCopy.parse(JSON.readTree(copyFile.toFile()), copyFile.toString());
            } catch (IOException | IllegalArgumentException e) {
                err.println("consumer open: " + copyFile + " is not a sealed copy: " + e.getMessage());
                return BAD_INPUT;
            }
            if (!copy.header().purpose().equals(api.purpose)) {
                err.println("consumer open: the copy was served for purpose " + copy.header().purpose() + ", not "
                        + api.purpose);
                return BAD_INPUT;
            }
            HttpResponse<byte[]> r;
            try {
                r = api.get(api.client(), api.uri("copy-key", "&key=" + copy.header().keyId()));
            } catch (IOException e) {
                err.println("consumer open: the fleet at " + api.api + " did not answer: " + e.getMessage());
                return BAD_INPUT;
            }
            if (r.statusCode() != 200) {
                return refused(err, "consumer open", r);
            }
            ObjectNode export;
            try {
                SecretKey key = SealedCopy.key(JSON.readTree(r.body()).path("key").asText());
                export = SealedCopy.open(copy, key);
            } catch (GeneralSecurityException e) {
                err.println("consumer open: " + copyFile + " does not open with the key the fleet gave for it"
                        + " (a changed byte, or another subject's key): " + e.getMessage());
                return BAD_INPUT;
            } catch (IllegalArgumentException e) {
                err.println("consumer open: " + copyFile + ": " + e.getMessage());
                return BAD_INPUT;
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), export);
            spec.commandLine().getOut().println("opened " + copyFile + " into " + out + ": " + copy.sealed().size()
                    + " record(s) in full, each matching its leaf hash; check it with `certigate verify "
                    + out + "`");
            return 0;
        }
    }

    /** Prints the fleet's refusal (its code and reason) and returns the exit code. */
    static int refused(PrintWriter err, String command, HttpResponse<byte[]> r) {
        String code = null;
        String reason = null;
        try {
            JsonNode why = JSON.readTree(r.body());
            code = why.path("refused").asText(null);
            reason = why.has("reason") ? why.path("reason").asText() : why.path("error").asText(null);
        } catch (IOException e) {
            // not JSON: the status says it
        }
        if (r.statusCode() == 403 && code != null) {
            err.println(command + ": refused (" + code + "): " + reason);
            return REFUSED;
        }
        err.println(command + ": the fleet answered HTTP " + r.statusCode() + (reason == null ? "" : ": " + reason));
        return r.statusCode() == 403 ? REFUSED : BAD_INPUT;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
