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
 * mode 0600 and never overwritten, with the standard scrypt parameters ({@link #SCRYPT_N},
 * p = 1: about 256 MiB and a second or two to unlock, which is what makes a stolen file costly to
 * guess; files written earlier with web3j's light parameters, n = 4096, still open), unlocked with a passphrase from a file or the environment like
 * the device key. {@link #toString()} shows the address only; the key is never logged.
 */
public final class LedgerAccount {
    /** The scrypt cost of a new key file: Web3 Secret Storage's standard n (web3j {@code Wallet.createStandard}). */
    public static final int SCRYPT_N = 1 << 18;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The scrypt cost of a new key file. */
    public enum KeyFileCost {
        /** Web3 Secret Storage's standard parameters (n = 2^18, p = 1): every account a deployment uses. */
        STANDARD,
        /**
         * web3j's light parameters (n = 4096): only for dev-chain and test accounts whose key protects
         * nothing (a dev chain's well-known funded accounts, throw-away accounts of a demo or a test).
         */
        LIGHT
    }
    private final Credentials credentials;

    private LedgerAccount(Credentials credentials) {
        this.credentials = credentials;
    }

    /** Generates a new account into {@code file}; refuses to overwrite an existing one. */
    public static LedgerAccount create(Path file, char[] passphrase) throws IOException {
        return create(file, passphrase, KeyFileCost.STANDARD);
    }

    /** Generates a new account into {@code file} with the given scrypt cost; refuses to overwrite an existing one. */
    public static LedgerAccount create(Path file, char[] passphrase, KeyFileCost cost) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite a ledger account key");
        }
        try {
            return write(file, Keys.createEcKeyPair(), passphrase, cost);
        } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException | NoSuchProviderException e) {
            throw new IOException("cannot generate a secp256k1 key: " + e.getMessage(), e);
        }
    }

    /** Imports an existing private key (for example a dev chain's funded account) into {@code file}. */
    public static LedgerAccount importKey(Path file, String privateKeyHex, char[] passphrase) throws IOException {
        return importKey(file, privateKeyHex, passphrase, KeyFileCost.STANDARD);
    }

    /** Imports an existing private key into {@code file} with the given scrypt cost. */
    public static LedgerAccount importKey(Path file, String privateKeyHex, char[] passphrase, KeyFileCost cost)
            throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite a ledger account key");
        }
        return write(file, Credentials.create(privateKeyHex).getEcKeyPair(), passphrase, cost);
    }

    private static LedgerAccount write(Path file, ECKeyPair pair, char[] passphrase, KeyFileCost cost)
            throws IOException {
        try {
            WalletFile wallet = cost == KeyFileCost.STANDARD
                    ? Wallet.createStandard(new String(passphrase), pair)
                    : Wallet.createLight(new String(passphrase), pair);
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
        return openOrCreate(file, passphrase, KeyFileCost.STANDARD);
    }

    /** Opens {@code file}, creating a new account there first (with the given scrypt cost) if it does not exist. */
    public static LedgerAccount openOrCreate(Path file, char[] passphrase, KeyFileCost cost) throws IOException {
        return Files.exists(file) ? open(file, passphrase) : create(file, passphrase, cost);
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
