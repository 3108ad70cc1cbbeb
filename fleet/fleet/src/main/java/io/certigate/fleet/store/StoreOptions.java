package io.certigate.fleet.store;

import io.certigate.core.config.ConfigValues;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import java.time.Duration;
import java.util.Map;

/**
 * The store's options, read once from a configuration ({@link StoreSettings}) with its checks in one
 * place; compared with {@code equals} so that an unchanged configuration restarts nothing.
 *
 * @param jdbcUrl        the database
 * @param user           the role
 * @param passwordSource {@code file:PATH}, {@code env:NAME}, or "" for none
 * @param group          the Kafka consumer group
 * @param batchSize      Kafka records per poll (and per transaction) at most
 * @param retryMin       first wait after a failed write
 * @param retryMax       longest wait between attempts
 * @param masterKeySource {@code file:PATH}, {@code env:NAME} of the master key the data keys are
 *                       wrapped with, or "" for none (then the store cannot write or read payloads)
 */
public record StoreOptions(String jdbcUrl, String user, String passwordSource, String group, int batchSize,
        Duration retryMin, Duration retryMax, String masterKeySource) {

    /** Options without a master key source. */
    public StoreOptions(String jdbcUrl, String user, String passwordSource, String group, int batchSize,
            Duration retryMin, Duration retryMax) {
        this(jdbcUrl, user, passwordSource, group, batchSize, retryMin, retryMax, "");
    }

    public StoreOptions {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(StoreSettings.JDBC_URL.key() + " = '" + jdbcUrl
                    + "' is not a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DATABASE)");
        }
        if (retryMax.compareTo(retryMin) < 0) {
            throw new IllegalArgumentException(StoreSettings.RETRY_MAX_MS.key() + " is below "
                    + StoreSettings.RETRY_MIN_MS.key());
        }
    }

    /** The options of a configuration; errors name {@code origin}, the key and the value (never a secret). */
    public static StoreOptions of(String origin, Map<String, ?> values) {
        ConfigValues v = new ConfigValues(origin, values);
        String url = v.required(StoreSettings.JDBC_URL.key());
        String user = v.text(StoreSettings.USER);
        String password = v.secretSource(StoreSettings.PASSWORD.key(), false);
        String group = v.text(StoreSettings.GROUP);
        int batch = v.wholeInt(StoreSettings.BATCH_SIZE);
        Duration min = Duration.ofMillis(v.whole(StoreSettings.RETRY_MIN_MS));
        Duration max = Duration.ofMillis(v.whole(StoreSettings.RETRY_MAX_MS));
        String master = v.secretSource(StoreSettings.MASTER_KEY_SOURCE.key(), false);
        try {
            return new StoreOptions(url, user, password, group, batch, min, max, master);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
    }

    /** The same options with another consumer group. */
    public StoreOptions withGroup(String otherGroup) {
        return new StoreOptions(jdbcUrl, user, passwordSource, otherGroup, batchSize, retryMin, retryMax,
                masterKeySource);
    }

    /** These options with another master key source ("" for none). */
    public StoreOptions withMasterKeySource(String source) {
        return new StoreOptions(jdbcUrl, user, passwordSource, group, batchSize, retryMin, retryMax, source);
    }

    /** The keys of {@link #masterKeySource()}, read now; a clear error when it is not set or not a key. */
    public StoreKeys keys() {
        return StoreKeys.fromSource(StoreSettings.MASTER_KEY_SOURCE.key(), masterKeySource);
    }

    /**
     * Connections with these options, the password read from its source now; they carry the store's
     * keys ({@link StoreConnector#keys()}) when a master key source is set.
     */
    public StoreConnector connector() {
        char[] password = null;
        if (!passwordSource.isEmpty()) {
            try {
                password = Passphrase.resolve(passwordSource);
            } catch (SigningException e) {
                throw new IllegalArgumentException(StoreSettings.PASSWORD.key() + " = " + passwordSource + ": "
                        + e.getMessage(), e);
            }
        }
        String pw = password == null ? null : new String(password).strip();
        StoreConnector c = StoreConnector.of(jdbcUrl, user, pw == null ? null : pw.toCharArray());
        return masterKeySource.isEmpty() ? c : c.withKeys(keys());
    }
}
