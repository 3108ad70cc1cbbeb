package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium (installed by scripts/install-deps), kept off the network: a page
 * rendered once gives its DOM as rendered, its text as a reader sees it (elements stripped from the
 * rendered DOM, not from the file) and how many elements match CSS selectors (counted by the
 * browser on a copy of the page with a probe script appended: the passport itself has no script);
 * and a screenshot.
 */
public final class Chromium {
    private final List<String> base;

    /** What Chromium rendered. */
    public record Rendered(String dom, String text, Map<String, Integer> counts) {
        public int count(String selector) {
            return counts.get(selector);
        }
    }

    public Chromium(Path profile) {
        String exe = Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : "chromium";
        base = List.of(exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--proxy-server=127.0.0.1:9", "--user-data-dir=" + profile);
    }

    /** Renders {@code page} (--dump-dom) and counts the elements matching each of {@code selectors}. */
    Rendered render(Path page, String... selectors) throws IOException, InterruptedException {
        Path probe = page.resolveSibling(page.getFileName() + ".probe.html");
        StringBuilder script = new StringBuilder("<script>");
        for (int i = 0; i < selectors.length; i++) {
            script.append("document.documentElement.setAttribute('data-probe-").append(i).append("',document.querySelectorAll('")
                    .append(selectors[i].replace("'", "\\'")).append("').length);");
        }
        script.append("</script>");
        String html = Files.readString(page, StandardCharsets.UTF_8);
        Files.writeString(probe, html.replace("</body>", script + "</body>"), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(concat("--dump-dom", probe.toUri().toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(dom).as("rendered DOM").contains("</html>");
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < selectors.length; i++) {
            Matcher m = Pattern.compile("data-probe-" + i + "=\"(\\d+)\"").matcher(dom);
            assertThat(m.find()).as("probe " + selectors[i]).isTrue();
            counts.put(selectors[i], Integer.parseInt(m.group(1)));
        }
        return new Rendered(dom, text(dom), counts);
    }

    /**
     * Renders a page a local server serves (--dump-dom): its DOM and text, no selector counts (the
     * page is not copied, so no probe is added). Loopback addresses bypass the dead proxy.
     */
    public Rendered render(java.net.URI url) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(concat("--dump-dom", url.toString())).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(dom).as("rendered DOM").contains("</html>");
        return new Rendered(dom, text(dom), Map.of());
    }

    private static String text(String dom) {
        return dom.replaceAll("(?s)<style>.*?</style>", " ").replaceAll("(?s)<script>.*?</script>", " ")
                .replaceAll("<[^>]+>", " ").replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&").replaceAll("\\s+", " ");
    }

    /** A screenshot of the top of the page. */
    Path screenshot(Path page, Path png) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(concat("--window-size=1100,2600", "--screenshot=" + png, page.toUri().toString()))
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        return png;
    }

    private List<String> concat(String... args) {
        List<String> l = new ArrayList<>(base);
        l.addAll(List.of(args));
        return l;
    }
}
