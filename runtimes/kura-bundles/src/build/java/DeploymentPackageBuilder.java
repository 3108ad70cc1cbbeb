import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Writes an OSGi deployment package (OSGi Compendium R8, chapter 114 "Deployment Admin", 114.3):
 * a JAR whose manifest's main section carries DeploymentPackage-SymbolicName and -Version, and one
 * Name section per bundle with that bundle's Bundle-SymbolicName and Bundle-Version; the manifest
 * comes first, then the bundles in installation order (114.3.2). Every header is read from the
 * bundles themselves; a jar that is not a bundle stops the build.
 *
 * Run at build time as a single-file program:
 * {@code java DeploymentPackageBuilder.java OUT.dp DP-SYMBOLIC-NAME MAIN-BUNDLE.jar DEPENDENCY-DIR}.
 * The package takes the main bundle's version. The main bundle comes first: the other bundles import
 * its packages, and Deployment Admin installs and starts the bundles in the order of the package.
 */
public final class DeploymentPackageBuilder {
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: OUT.dp DP-SYMBOLIC-NAME MAIN-BUNDLE.jar DEPENDENCY-DIR");
        }
        Path out = Path.of(args[0]);
        Path main = Path.of(args[2]);
        List<Path> bundles = new ArrayList<>();
        bundles.add(main);
        try (Stream<Path> s = Files.list(Path.of(args[3]))) {
            s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(bundles::add);
        }

        Manifest mf = new Manifest();
        Attributes top = mf.getMainAttributes();
        top.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        top.putValue("DeploymentPackage-SymbolicName", args[1]);
        top.putValue("DeploymentPackage-Version", bundleHeaders(main)[1]);
        top.putValue("DeploymentPackage-Name", "certigate gateway components");
        for (Path b : bundles) {
            String[] h = bundleHeaders(b);
            Attributes a = new Attributes();
            a.putValue("Bundle-SymbolicName", h[0]);
            a.putValue("Bundle-Version", h[1]);
            mf.getEntries().put(entryName(b), a);
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(os, mf)) {
            for (Path b : bundles) {
                jar.putNextEntry(new JarEntry(entryName(b)));
                Files.copy(b, jar);
                jar.closeEntry();
            }
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("deployment package " + out + ": " + bundles.size() + " bundles");
    }

    private static String entryName(Path bundle) {
        return "bundles/" + bundle.getFileName();
    }

    /** {symbolic name without directives, version}; fails on a jar that is not a bundle. */
    private static String[] bundleHeaders(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            String bsn = m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) {
                throw new IllegalStateException(jar + " is not an OSGi bundle (no Bundle-SymbolicName): "
                        + "embed it in the bundle that uses it instead of shipping it alone");
            }
            String version = m.getMainAttributes().getValue("Bundle-Version");
            return new String[] {bsn.split(";")[0].trim(), version == null ? "0.0.0" : version.trim()};
        }
    }
}
