package io.certigate.anchor.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.util.Arrays;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Wallet;
import org.web3j.crypto.WalletFile;
import org.web3j.crypto.exception.CipherException;

/**
 * The gateway's own secp256k1 ledger account, separate from its reading key. The private key lives
 * only in an encrypted Ethereum key file (Web3 Secret Storage: scrypt + AES-128-CTR), created with
 * mode 0600 and never overwritten, unlocked with a passphrase from a file or the environment like
 * the device key. {@link #toString()} shows the address only; the key is never logged.
 */
public final class LedgerAccount {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Credentials credentials;

    private LedgerAccount(Credentials credentials) {
        this.credentials = credentials;
    }

    /** Generates a new account into {@code file}; refuses to overwrite an existing one. */
    public static LedgerAccount create(Path file, char[] passphrase) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite a ledger account key");
        }
        try {
            return write(file, Keys.createEcKeyPair(), passphrase);
        } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException | NoSuchProviderException e) {
            throw new IOException("cannot generate a secp256k1 key: " + e.getMessage(), e);
        }
    }

    /** Imports an existing private key (for example a dev chain's funded account) into {@code file}. */
    public static LedgerAccount importKey(Path file, String privateKeyHex, char[] passphrase) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite a ledger account key");
        }
        return write(file, Credentials.create(privateKeyHex).getEcKeyPair(), passphrase);
    }

    private static LedgerAccount write(Path file, ECKeyPair pair, char[] passphrase) throws IOException {
        try {
            WalletFile wallet = Wallet.createLight(new String(passphrase), pair);
            byte[] bytes = JSON.writeValueAsBytes(wallet);
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.write(file, bytes);
            Arrays.fill(bytes, (byte) 0);
            return new LedgerAccount(Credentials.create(pair));
        } catch (CipherException e) {
            throw new IOException("cannot encrypt the ledger key: " + e.getMessage(), e);
        }
    }

    /** Opens the key file; a wrong passphrase or a damaged file is an error naming the file. */
    public static LedgerAccount open(Path file, char[] passphrase) throws IOException {
        try {
            WalletFile wallet = JSON.readValue(file.toFile(), WalletFile.class);
            return new LedgerAccount(Credentials.create(Wallet.decrypt(new String(passphrase), wallet)));
        } catch (CipherException e) {
            throw new IOException("cannot unlock ledger key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Opens {@code file}, creating a new account there first if it does not exist. */
    public static LedgerAccount openOrCreate(Path file, char[] passphrase) throws IOException {
        return Files.exists(file) ? open(file, passphrase) : create(file, passphrase);
    }

    /** The account address, 0x-prefixed lower case. */
    public String address() {
        return credentials.getAddress();
    }

    Credentials credentials() {
        return credentials;
    }

    @Override
    public String toString() {
        return "LedgerAccount[" + address() + "]";
    }
}
