package io.certigate.kura.dp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Deployment packages (OSGi Compendium R8, 114.3) made in the test: the SQLite add-on's package, a
 * new version of certigate's, a clashing one. A package is its name, its version and its bundles
 * (entry name and bytes), in installation order.
 */
record DeploymentPackages(String name, String version, Map<String, byte[]> bundles) {

    /** Reads a package: its main headers and its bundles. */
    static DeploymentPackages read(Path dp) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(dp))) {
            Attributes main = in.getManifest().getMainAttributes();
            Map<String, byte[]> bundles = new LinkedHashMap<>();
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                bundles.put(e.getName(), in.readAllBytes());
            }
            return new DeploymentPackages(main.getValue("DeploymentPackage-SymbolicName"),
                    main.getValue("DeploymentPackage-Version"), bundles);
        }
    }

    /** A package carrying one bundle, the jar at {@code bundle}. */
    static DeploymentPackages of(String name, String version, Path bundle) throws IOException {
        Map<String, byte[]> bundles = new LinkedHashMap<>();
        bundles.put("bundles/" + bundle.getFileName(), Files.readAllBytes(bundle));
        return new DeploymentPackages(name, version, bundles);
    }

    /** This package under another version, every bundle of it given the version {@code bundleVersion}. */
    DeploymentPackages withVersions(String packageVersion, String bundleVersion) throws IOException {
        Map<String, byte[]> rewritten = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> b : bundles.entrySet()) {
            rewritten.put(b.getKey(), withBundleVersion(b.getValue(), bundleVersion));
        }
        return new DeploymentPackages(name, packageVersion, rewritten);
    }

    /** This package's bytes: the manifest first, one Name section per bundle, then the bundles. */
    InputStream stream() throws IOException {
        Manifest mf = new Manifest();
        Attributes top = mf.getMainAttributes();
        top.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        top.putValue("DeploymentPackage-SymbolicName", name);
        top.putValue("DeploymentPackage-Version", version);
        for (Map.Entry<String, byte[]> b : bundles.entrySet()) {
            Attributes bundle = manifest(b.getValue()).getMainAttributes();
            Attributes a = new Attributes();
            a.putValue("Bundle-SymbolicName", bundle.getValue("Bundle-SymbolicName").split(";")[0].trim());
            a.putValue("Bundle-Version", bundle.getValue("Bundle-Version"));
            mf.getEntries().put(b.getKey(), a);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, mf)) {
            for (Map.Entry<String, byte[]> b : bundles.entrySet()) {
                jar.putNextEntry(new JarEntry(b.getKey()));
                jar.write(b.getValue());
                jar.closeEntry();
            }
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    static Manifest manifest(byte[] bundle) throws IOException {
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bundle))) {
            return in.getManifest();
        }
    }

    private static byte[] withBundleVersion(byte[] bundle, String version) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bundle.length);
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bundle))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream jar = new JarOutputStream(out, mf)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    jar.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }
}
