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
 */
public record StoreOptions(String jdbcUrl, String user, String passwordSource, String group, int batchSize,
        Duration retryMin, Duration retryMax) {

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
        try {
            return new StoreOptions(url, user, password, group, batch, min, max);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
    }

    /** The same options with another consumer group. */
    public StoreOptions withGroup(String otherGroup) {
        return new StoreOptions(jdbcUrl, user, passwordSource, otherGroup, batchSize, retryMin, retryMax);
    }

    /** Connections with these options, the password read from its source now. */
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
        return StoreConnector.of(jdbcUrl, user, pw == null ? null : pw.toCharArray());
    }
}
