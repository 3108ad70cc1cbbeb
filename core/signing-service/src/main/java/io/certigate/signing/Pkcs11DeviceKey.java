package io.certigate.signing;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A device key inside a PKCS#11 token (a secure element, a TPM's PKCS#11 front end, SoftHSM in
 * tests), used through the JDK's SunPKCS11 provider. The key is generated on the token with
 * {@code CKA_TOKEN}, {@code CKA_SENSITIVE=true} and {@code CKA_EXTRACTABLE=false}: the private value
 * never exists outside the token. SunPKCS11 on Java 17 has no EdDSA, so tokens hold ES256 keys.
 */
public final class Pkcs11DeviceKey implements DeviceKey {
    private final Provider provider;
    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;
    private final byte[] keyId;
    private final String origin;

    private Pkcs11DeviceKey(Provider provider, PrivateKey privateKey, List<X509Certificate> chain, String origin) {
        this.provider = provider;
        this.privateKey = privateKey;
        this.chain = List.copyOf(chain);
        this.keyId = KeyIds.of(chain.get(0).getPublicKey());
        this.origin = origin;
    }

    /** Token settings: the PKCS#11 module, the slot, and the key alias. */
    public record TokenConfig(Path library, long slot, String alias) {
        String providerConfig() {
            return "--name = certigate-" + slot + "\n"
                    + "library = " + library + "\n"
                    + "slot = " + slot + "\n"
                    + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n"
                    + "  CKA_TOKEN = true\n  CKA_PRIVATE = true\n  CKA_SENSITIVE = true\n"
                    + "  CKA_EXTRACTABLE = false\n  CKA_SIGN = true\n}\n"
                    + "attributes(generate, CKO_PUBLIC_KEY, *) = {\n  CKA_TOKEN = true\n  CKA_VERIFY = true\n}\n"
                    + "attributes(*, CKO_PRIVATE_KEY, *) = {\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n";
        }

        String describe() {
            return "PKCS#11 token " + library + " slot " + slot + " key '" + alias + "'";
        }
    }

    static Provider provider(TokenConfig config) throws SigningException {
        try {
            Provider base = Security.getProvider("SunPKCS11");
            if (base == null) {
                throw new SigningException("the JDK has no SunPKCS11 provider");
            }
            return base.configure(config.providerConfig());
        } catch (java.security.InvalidParameterException | java.security.ProviderException e) {
            throw new SigningException("cannot load " + config.describe() + ": " + rootMessage(e), e);
        }
    }

    /** Generates an ES256 key pair on the token under {@code alias}; refuses an alias in use. */
    public static Pkcs11DeviceKey generate(TokenConfig config, CoseAlgorithm alg, String deviceId, char[] pin)
            throws SigningException {
        if (alg != CoseAlgorithm.ES256) {
            throw new SigningException(alg + " keys are not available on " + config.describe()
                    + " (the JDK's PKCS#11 provider supports ES256 only)");
        }
        Provider p = provider(config);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", p);
            ks.load(null, pin);
            if (ks.containsAlias(config.alias())) {
                throw new SigningException(config.describe() + " already holds a key; refusing to replace it");
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            X509Certificate cert = Certificates.selfSigned(pair, deviceId, alg, p, Duration.ofDays(3650));
            ks.setKeyEntry(config.alias(), pair.getPrivate(), null, new Certificate[] {cert});
            return open(config, pin, p);
        } catch (GeneralSecurityException | java.io.IOException | java.security.ProviderException e) {
            throw new SigningException("cannot generate a key on " + config.describe() + ": " + rootMessage(e), e);
        }
    }

    public static Pkcs11DeviceKey open(TokenConfig config, char[] pin) throws SigningException {
        return open(config, pin, provider(config));
    }

    private static Pkcs11DeviceKey open(TokenConfig config, char[] pin, Provider p) throws SigningException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", p);
            ks.load(null, pin);
            if (!(ks.getKey(config.alias(), null) instanceof PrivateKey pk)) {
                throw new SigningException(config.describe() + " holds no private key under that alias");
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : ks.getCertificateChain(config.alias())) {
                chain.add((X509Certificate) c);
            }
            return new Pkcs11DeviceKey(p, pk, chain, config.describe());
        } catch (GeneralSecurityException | java.io.IOException | java.security.ProviderException e) {
            throw new SigningException("cannot open " + config.describe() + ": " + rootMessage(e), e);
        }
    }

    /**
     * Replaces the certificate chain stored with the token key (after the CA issued one), keeping
     * the key itself on the token; refuses a chain whose leaf is not for this key.
     */
    public static Pkcs11DeviceKey installChain(TokenConfig config, char[] pin, List<X509Certificate> chain)
            throws SigningException {
        Provider p = provider(config);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", p);
            ks.load(null, pin);
            if (!(ks.getKey(config.alias(), null) instanceof PrivateKey pk)) {
                throw new SigningException(config.describe() + " holds no private key under that alias");
            }
            if (!chain.get(0).getPublicKey().equals(ks.getCertificate(config.alias()).getPublicKey())) {
                throw new SigningException("certificate for " + config.describe() + " does not match its device key");
            }
            ks.setKeyEntry(config.alias(), pk, null, chain.toArray(new Certificate[0]));
            return open(config, pin, p);
        } catch (GeneralSecurityException | java.io.IOException | java.security.ProviderException e) {
            throw new SigningException("cannot store a certificate chain on " + config.describe() + ": "
                    + rootMessage(e), e);
        }
    }

    /**
     * Destroys the key under the alias on the token (its private key and certificate objects): a key
     * taken out of use by a rotation can sign nothing more. Refuses an alias that holds no key.
     */
    public static void destroy(TokenConfig config, char[] pin) throws SigningException {
        Provider p = provider(config);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", p);
            ks.load(null, pin);
            if (!ks.isKeyEntry(config.alias())) {
                throw new SigningException(config.describe() + " holds no key under that alias");
            }
            ks.deleteEntry(config.alias());
            if (ks.containsAlias(config.alias())) {
                throw new SigningException(config.describe() + " still holds the key after deleting it");
            }
        } catch (GeneralSecurityException | java.io.IOException | java.security.ProviderException e) {
            throw new SigningException("cannot destroy the key on " + config.describe() + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }

    /** The private key handle on the token; its {@code getEncoded()} is null because it is sensitive. */
    public PrivateKey privateKeyHandle() {
        return privateKey;
    }

    @Override
    public CoseAlgorithm algorithm() {
        return CoseAlgorithm.ES256;
    }

    @Override
    public byte[] keyId() {
        return keyId.clone();
    }

    @Override
    public PublicKey publicKey() {
        return chain.get(0).getPublicKey();
    }

    @Override
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    @Override
    public byte[] sign(byte[] message) throws SigningException {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA", provider);
            s.initSign(privateKey);
            s.update(message);
            return EcdsaSignatures.derToRaw(s.sign(), 32);
        } catch (GeneralSecurityException | java.security.ProviderException e) {
            throw new SigningException("signing failed on " + origin + ": " + rootMessage(e), e);
        }
    }

    @Override
    public String describe() {
        return "ES256 key " + java.util.HexFormat.of().formatHex(keyId) + " on " + origin;
    }
}
