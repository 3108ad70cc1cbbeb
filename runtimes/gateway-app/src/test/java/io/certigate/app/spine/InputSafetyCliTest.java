package io.certigate.app.spine;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.core.testing.FileDigests;
import io.certigate.core.testing.TestSpine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.device.TestDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command never alters a file it was pointed at unless that is its purpose: the commands that
 * read a buffer leave it (and its -wal) byte-identical and never create one, a file that is not
 * this device's buffer is refused byte-identically, and an output that is one of the command's
 * inputs (by the same path, a relative path or a symbolic link) is refused for every command that
 * takes both. Every check compares SHA-256 digests before and after.
 */
@Tag("component")
class InputSafetyCliTest {
    private static final String DEVICE = TestSpine.DEVICE;
    private static final String VIN = "VF1RFB00X57177144";

    @TempDir
    Path dir;

    private Path buffer() {
        return dir.resolve("buffer.db");
    }

    private static void fill(TestSpine spine, int n) throws Exception {
        for (int i = 1; i < n; i++) {
            spine.sequencer.submit(TestSpine.odometer(i));
        }
        spine.sequencer.submit(TestSpine.odometer(n)).get(30, TimeUnit.SECONDS);
    }

    /** A closed buffer of 30 odometer readings, with the device certificate in it. */
    private Path closedBuffer() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            fill(spine, 30);
        }
        return buffer();
    }

    /** The same file named three other ways: relative to the working folder, through a symlink, with "..". */
    private List<Path> otherNames(Path file) throws Exception {
        List<Path> names = new ArrayList<>();
        names.add(file);
        names.add(Path.of("").toAbsolutePath().relativize(file.toAbsolutePath()));
        names.add(Files.createSymbolicLink(dir.resolve("link-" + names.hashCode() + "-" + file.getFileName()), file));
        Files.createDirectories(dir.resolve("sub"));
        names.add(file.getParent().resolve("sub").resolve("..").resolve(file.getFileName()));
        return names;
    }

    private static void assertRefused(CliRun.Result r, String what) {
        assertThat(r.exit()).as(what + ": " + r.out() + r.err()).isNotZero();
        assertThat(r.err()).as(what).contains("refusing to write");
    }

    @Test
    void exportReadsALiveBufferThroughItsWalAndAClosedOneWithoutChangingEitherByte() throws Exception {
        Path out = dir.resolve("live.json");
        try (TestSpine spine = TestSpine.start(dir)) {
            fill(spine, 40);
            assertThat(Files.size(Path.of(buffer() + "-wal"))).isPositive();
            Map<String, String> before = FileDigests.sqlite(buffer());
            CliRun.Result r = CliRun.run("export", "--buffer", buffer().toString(), "--device", DEVICE, "-o", out.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("exported 40 records");
            assertThat(FileDigests.sqlite(buffer())).isEqualTo(before);
        }
        assertThat(CliRun.run("verify", out.toString()).exit()).isZero();

        assertThat(Files.exists(Path.of(buffer() + "-wal"))).isFalse();
        Map<String, String> before = FileDigests.sqlite(buffer());
        for (String[] cmd : new String[][] {
            {"export", "--buffer", buffer().toString(), "--device", DEVICE, "-o", dir.resolve("closed.json").toString()},
            {"report", "--buffer", buffer().toString(), "--device", DEVICE, "--subject", VIN, "-o", dir.resolve("p.html").toString()},
            {"anchor", "status", "--buffer", buffer().toString(), "--device", DEVICE},
        }) {
            CliRun.Result r = CliRun.run(cmd);
            assertThat(r.exit()).as(String.join(" ", cmd) + "\n" + r.err()).isZero();
            assertThat(FileDigests.sqlite(buffer())).as(cmd[0]).isEqualTo(before);
            assertThat(Files.exists(Path.of(buffer() + "-wal"))).as(cmd[0]).isFalse();
            assertThat(Files.exists(Path.of(buffer() + "-shm"))).as(cmd[0]).isFalse();
        }
        assertThat(Files.readString(dir.resolve("p.html"))).contains(VIN);
        assertThat(CliRun.run("anchor", "status", "--buffer", buffer().toString(), "--device", DEVICE).out())
                .contains("0 of 0 batches anchored");
    }

    @Test
    void proofExportOfAnUnanchoredBufferFailsAndLeavesItByteIdentical() throws Exception {
        closedBuffer();
        Map<String, String> before = FileDigests.sqlite(buffer());
        Path out = dir.resolve("proof.json");
        CliRun.Result r = CliRun.run("proof", "export", "--buffer", buffer().toString(), "--device", DEVICE, "--seq", "3",
                "-o", out.toString());
        assertThat(r.exit()).as(r.out()).isNotZero();
        assertThat(FileDigests.sqlite(buffer())).isEqualTo(before);
        assertThat(out).doesNotExist();
    }

    @Test
    void aMissingBufferIsAnErrorNamingItAndNothingIsCreated() {
        Path typo = dir.resolve("typo/buffr.db");
        Path out = dir.resolve("o.json");
        for (String[] cmd : new String[][] {
            {"export", "--buffer", typo.toString(), "--device", DEVICE, "-o", out.toString()},
            {"proof", "export", "--buffer", typo.toString(), "--device", DEVICE, "--seq", "1", "-o", out.toString()},
            {"report", "--buffer", typo.toString(), "--device", DEVICE, "--subject", VIN, "-o", out.toString()},
            {"anchor", "status", "--buffer", typo.toString(), "--device", DEVICE},
        }) {
            CliRun.Result r = CliRun.run(cmd);
            // report verifies: its unusable input is exit 2 (VerificationExit)
            assertThat(r.exit()).as(String.join(" ", cmd)).isEqualTo(cmd[0].equals("report") ? 2 : 1);
            assertThat(r.err()).as(cmd[0]).contains(typo.toString()).contains("no buffer at this path");
            assertThat(dir.resolve("typo")).as(cmd[0]).doesNotExist();
            assertThat(out).as(cmd[0]).doesNotExist();
        }
    }

    @Test
    void filesThatAreNotThisDevicesBufferAreRefusedByteIdentically() throws Exception {
        Path foreign = dir.resolve("invoices.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, amount REAL)");
            s.execute("INSERT INTO invoices(amount) VALUES (12.5)");
        }
        Path text = Files.writeString(dir.resolve("notes.db"), "not a database at all, just text\n");
        Path other = closedBuffer(); // a buffer of DEVICE, named with another device id below
        Path out = dir.resolve("o.json");
        for (Path f : new Path[] {foreign, text, other}) {
            String device = f == other ? "gw-other" : DEVICE;
            Map<String, String> before = FileDigests.sqlite(f);
            for (String[] cmd : new String[][] {
                {"export", "--buffer", f.toString(), "--device", device, "-o", out.toString()},
                {"proof", "export", "--buffer", f.toString(), "--device", device, "--seq", "1", "-o", out.toString()},
                {"report", "--buffer", f.toString(), "--device", device, "--subject", VIN, "-o", out.toString()},
                {"anchor", "status", "--buffer", f.toString(), "--device", device},
                {"erase", "--buffer", f.toString(), "--device", device, "--from-seq", "1", "--to-seq", "2", "--yes"},
            }) {
                CliRun.Result r = CliRun.run(cmd);
                assertThat(r.exit()).as(String.join(" ", cmd)).isEqualTo(cmd[0].equals("report") ? 2 : 1);
                assertThat(r.err()).as(String.join(" ", cmd)).contains(f.toString());
                assertThat(FileDigests.sqlite(f)).as(String.join(" ", cmd)).isEqualTo(before);
                assertThat(Path.of(f + "-shm")).as(String.join(" ", cmd)).doesNotExist();
                assertThat(out).doesNotExist();
            }
        }
        assertThat(Files.readAllBytes(foreign)[18]).as("still in rollback-journal mode, not WAL").isEqualTo((byte) 1);
    }

    @Test
    @Timeout(120)
    void runRefusesAnotherApplicationsDatabaseByteIdentically() throws Exception {
        Path foreign = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE settings(k TEXT, v TEXT)");
            s.execute("INSERT INTO settings VALUES ('theme', 'dark')");
        }
        TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-run", CoseAlgorithm.EDDSA);
        Path config = Files.writeString(dir.resolve("gw.conf"), String.join("\n",
                "device.id = gw-run",
                "key.store = " + dir.resolve("device.p12"),
                "key.passphrase = file:" + dir.resolve("device.pass"),
                "buffer.file = " + foreign, ""));
        Map<String, String> before = FileDigests.sqlite(foreign);
        CliRun.Result r = CliRun.run("run", "--config", config.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isNotZero();
        assertThat(r.err()).contains("another application").contains(foreign.toString());
        assertThat(FileDigests.sqlite(foreign)).isEqualTo(before);
        assertThat(Files.readAllBytes(foreign)[18]).as("not switched to WAL").isEqualTo((byte) 1);
    }

    @Test
    void anOutputThatIsTheBufferIsRefusedHoweverItIsNamed() throws Exception {
        closedBuffer();
        Map<String, String> before = FileDigests.sqlite(buffer());
        List<Path> names = otherNames(buffer());
        names.add(Path.of(buffer() + "-wal"));
        for (Path o : names) {
            for (String[] cmd : new String[][] {
                {"export", "--buffer", buffer().toString(), "--device", DEVICE, "-o", o.toString()},
                {"proof", "export", "--buffer", buffer().toString(), "--device", DEVICE, "--seq", "1", "-o", o.toString()},
                {"report", "--buffer", buffer().toString(), "--device", DEVICE, "--subject", VIN, "-o", o.toString()},
            }) {
                assertRefused(CliRun.run(cmd), String.join(" ", cmd));
                assertThat(FileDigests.sqlite(buffer())).as(String.join(" ", cmd)).isEqualTo(before);
            }
        }
        // and the buffer named relatively, written to by its absolute name
        Path relative = Path.of("").toAbsolutePath().relativize(buffer());
        assertRefused(CliRun.run("export", "--buffer", relative.toString(), "--device", DEVICE, "-o", buffer().toString()),
                "export relative");
        assertThat(FileDigests.sqlite(buffer())).isEqualTo(before);
    }

    @Test
    void anOutputThatIsTheExportItReadsIsRefused() throws Exception {
        closedBuffer();
        Path export = dir.resolve("export.json");
        assertThat(CliRun.run("export", "--buffer", buffer().toString(), "--device", DEVICE, "-o", export.toString()).exit()).isZero();
        String before = FileDigests.sha256(export);
        for (Path o : otherNames(export)) {
            assertRefused(CliRun.run("report", "--export", export.toString(), "--subject", VIN, "-o", o.toString()),
                    "report " + o);
            assertThat(FileDigests.sha256(export)).as("%s", o).isEqualTo(before);
        }
    }

    @Test
    void caIssueRefusesToWriteOverItsCsrOrAFileOfTheCa() throws Exception {
        Path secret = Files.writeString(dir.resolve("ca.pass"), "ca secret\n");
        Path ca = dir.resolve("ca");
        CliRun.Result init = CliRun.run("ca", "init", "--dir", ca.toString(), "--consortium", "Safety", "--secret", "file:" + secret);
        assertThat(init.exit()).as(init.err()).isZero();
        SoftwareDeviceKey key = TestDevice.openOrCreate(dir.resolve("device.p12"), "m-1", CoseAlgorithm.EDDSA).key();
        Path csr = Files.write(dir.resolve("m-1.csr"), Csr.build(key, new Csr.Identity("m-1", "S-1", "CG-TIC-1",
                Csr.SubjectKind.METER, "09123456789012")));
        List<Path> outs = otherNames(csr);
        outs.add(ca.resolve("ca-issuing.p12"));
        outs.add(ca.resolve("root.pem"));
        outs.add(secret);
        for (Path o : outs) {
            Map<Path, String> before = new java.util.HashMap<>();
            for (Path f : new Path[] {csr, secret, ca.resolve("ca-issuing.p12"), ca.resolve("root.pem")}) {
                before.put(f, FileDigests.sha256(f));
            }
            assertRefused(CliRun.run("ca", "issue", "--dir", ca.toString(), "--secret", "file:" + secret, "--csr", csr.toString(),
                    "--device-id", "m-1", "--serial", "S-1", "--model", "CG-TIC-1", "--subject", "meter:09123456789012",
                    "--out", o.toString()), "ca issue -o " + o);
            for (Map.Entry<Path, String> e : before.entrySet()) {
                assertThat(FileDigests.sha256(e.getKey())).as("%s after -o %s", e.getKey(), o).isEqualTo(e.getValue());
            }
        }
        CliRun.Result ok = CliRun.run("ca", "issue", "--dir", ca.toString(), "--secret", "file:" + secret, "--csr", csr.toString(),
                "--device-id", "m-1", "--serial", "S-1", "--model", "CG-TIC-1", "--subject", "meter:09123456789012",
                "--out", dir.resolve("m-1.pem").toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(Files.readString(dir.resolve("m-1.pem"))).contains("BEGIN CERTIFICATE");
    }

    @Test
    void provisionRefusesARecordPathThatIsOneOfItsInputsBeforeContactingAnything() throws Exception {
        Path secret = Files.writeString(dir.resolve("ca.pass"), "ca secret\n");
        Path ca = Files.createDirectories(dir.resolve("ca"));
        Path caKey = Files.writeString(ca.resolve("ca-issuing.p12"), "stands for the issuing CA key store");
        Path psk = Files.writeString(dir.resolve("m-1.psk"), "psk-identity=m-1\npsk=00112233445566778899aabbccddeeff\n");
        Path registrarKey = Files.writeString(dir.resolve("registrar.key"), "stands for the registrar's ledger key");
        Path registrarPass = Files.writeString(dir.resolve("registrar.pass"), "registrar secret\n");
        List<Path> outs = otherNames(psk);
        outs.addAll(List.of(caKey, secret, registrarKey, registrarPass));
        Path[] inputs = {psk, caKey, secret, registrarKey, registrarPass};
        for (Path o : outs) {
            Map<Path, String> before = new java.util.HashMap<>();
            for (Path f : inputs) {
                before.put(f, FileDigests.sha256(f));
            }
            CliRun.Result r = CliRun.run("provision", "--device", "coaps://127.0.0.1:1", "--psk-file", psk.toString(),
                    "--ca-dir", ca.toString(), "--secret", "file:" + secret, "--record", o.toString(),
                    "--device-id", "m-1", "--serial", "S-1", "--model", "CG-TIC-1", "--subject", "meter:09123456789012",
                    "--rpc", "http://127.0.0.1:1", "--chain-id", "1337", "--registry", "0x" + "1".repeat(40),
                    "--registrar-key", registrarKey.toString(), "--registrar-passphrase", "file:" + registrarPass);
            assertRefused(r, "provision --record " + o);
            for (Map.Entry<Path, String> e : before.entrySet()) {
                assertThat(FileDigests.sha256(e.getKey())).as("%s after --record %s", e.getKey(), o).isEqualTo(e.getValue());
            }
        }
    }
}
