package io.certigate.kura.jdbc;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Registers the SQLite JDBC driver this bundle embeds with {@link DriverManager} while the bundle is
 * started, and takes it out again when it stops (an update or an uninstall of the deployment package
 * leaves no driver of an old class loader behind).
 *
 * <p>The driver registers itself when its class is initialised; DriverManager's own service lookup
 * does not see a bundle's embedded jars. Every certigate bundle opens its buffers through this
 * bundle's {@code io.certigate.core.buffer} classes, so DriverManager finds the driver for them (it
 * accepts a driver the calling class's loader can see), and a SQLite JDBC bundle installed by
 * another package (Kura's SQLite add-on) keeps its own registration.
 */
public final class SqliteDriverActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) throws ClassNotFoundException {
        Class.forName(org.sqlite.JDBC.class.getName(), true, SqliteDriverActivator.class.getClassLoader());
    }

    @Override
    public void stop(BundleContext context) throws SQLException {
        ClassLoader own = SqliteDriverActivator.class.getClassLoader();
        List<Driver> ours = DriverManager.drivers().filter(d -> d.getClass().getClassLoader() == own).toList();
        for (Driver d : ours) {
            DriverManager.deregisterDriver(d);
        }
    }
}
