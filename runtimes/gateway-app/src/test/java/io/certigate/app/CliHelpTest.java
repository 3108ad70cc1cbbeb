package io.certigate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The whole command tree's help, walked: every command has a one-line summary that is a complete
 * sentence, every option and positional parameter a description, {@code -V} the build's version,
 * and the usage text at the default width breaks no word, value or path across lines.
 */
@Tag("unit")
class CliHelpTest {
    /** Every command of the tree, the root first, each with the words that invoke it. */
    private static List<CommandLine> all() {
        List<CommandLine> out = new ArrayList<>();
        collect(CertigateCli.commandLine(), out);
        return out;
    }

    private static void collect(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        cl.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, out));
    }

    private static String path(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName();
    }

    private static String usage(CommandLine cl) {
        StringWriter w = new StringWriter();
        cl.usage(new PrintWriter(w), CommandLine.Help.Ansi.OFF);
        return w.toString();
    }

    /** The summary shown in the parent's command list: the header's first line, else the description's. */
    private static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        String[] description = spec.usageMessage().description();
        return header.length > 0 ? header[0] : description.length > 0 ? description[0] : "";
    }

    @Test
    void everyCommandsSummaryIsOneCompleteSentence() {
        SoftAssertions soft = new SoftAssertions();
        for (CommandLine cl : all()) {
            String s = summary(cl.getCommandSpec()).strip();
            soft.assertThat(s).as("summary of '%s'", path(cl)).isNotEmpty()
                    .matches("[A-Z].*").endsWith(".").doesNotContain("\n");
            // the lines after it are paragraphs, each ending a sentence, not a text broken by hand mid-sentence
            for (String paragraph : cl.getCommandSpec().usageMessage().description()) {
                soft.assertThat(paragraph.replace("%n", "").strip()).as("description line of '%s'", path(cl)).endsWith(".");
            }
        }
        soft.assertAll();
    }

    @Test
    void everyOptionAndParameterIsDescribed() {
        List<String> undescribed = new ArrayList<>();
        for (CommandLine cl : all()) {
            List<ArgSpec> args = new ArrayList<>(cl.getCommandSpec().options());
            args.addAll(cl.getCommandSpec().positionalParameters());
            for (ArgSpec a : args) {
                if (String.join(" ", a.description()).isBlank()) {
                    undescribed.add(path(cl) + " " + (a instanceof OptionSpec o ? o.longestName() : a.paramLabel()));
                }
            }
        }
        assertThat(undescribed).isEmpty();
    }

    @Test
    void everyCommandPrintsTheBuildsVersion() throws Exception {
        String version = CertigateVersion.version();
        assertThat(version).matches("\\d+\\.\\d+\\.\\d+.*");
        SoftAssertions soft = new SoftAssertions();
        CommandLine root = CertigateCli.commandLine();
        for (CommandLine cl : all()) {
            soft.assertThat(cl.getCommandSpec().optionsMap()).as(path(cl)).containsKeys("-V", "--version");
            List<String> args = new ArrayList<>(Arrays.asList(path(cl).split(" ")));
            args.remove(0);
            args.add("-V");
            StringWriter out = new StringWriter();
            root.setOut(new PrintWriter(out));
            int exit = root.execute(args.toArray(String[]::new));
            soft.assertThat(exit).as("exit of '%s -V'", path(cl)).isZero();
            soft.assertThat(out.toString()).as("'%s -V'", path(cl)).startsWith("certigate " + version + System.lineSeparator());
        }
        soft.assertAll();
    }

    /**
     * Each word of each description (the summary in the parent's list, the command's description,
     * every option's) appears whole in the rendered usage: a path such as
     * {@code /usr/lib/softhsm/libsofthsm2.so} or a value such as {@code site:<id>} is never split
     * at a dot, colon or slash, as java.text.BreakIterator would split it.
     */
    @Test
    void theUsageAtTheDefaultWidthBreaksLinesOnlyBetweenWords() {
        List<String> broken = new ArrayList<>();
        for (CommandLine cl : all()) {
            String usage = usage(cl);
            usage.lines().filter(l -> l.length() > 80).forEach(l -> broken.add(path(cl) + ": wider than 80: " + l));
            // the synopsis: "Usage:" and its indented continuation lines; none may end inside an option's syntax
            List<String> synopsis = usage.lines().takeWhile(l -> l.startsWith("Usage:") || l.startsWith(" ")).toList();
            synopsis.stream().filter(l -> l.endsWith(",") || l.endsWith("["))
                    .forEach(l -> broken.add(path(cl) + ": synopsis line ends inside an option: " + l));
            List<String> texts = new ArrayList<>(Arrays.asList(cl.getCommandSpec().usageMessage().description()));
            cl.getSubcommands().values().stream().distinct().forEach(sub -> texts.add(summary(sub.getCommandSpec())));
            List<ArgSpec> args = new ArrayList<>(cl.getCommandSpec().options());
            args.addAll(cl.getCommandSpec().positionalParameters());
            args.forEach(a -> texts.addAll(Arrays.asList(a.description())));
            for (String text : texts) {
                for (String word : text.split("\\s+")) {
                    if (!word.isEmpty() && !word.contains("${") && !word.contains("%") && !usage.contains(word)) {
                        broken.add(path(cl) + ": '" + word + "' broken across lines");
                    }
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void optionsThatDoNotApplyAreNotOffered() {
        CommandLine root = CertigateCli.commandLine();
        for (String command : List.of("export", "erase")) {
            // they read or rewrite a buffer and append nothing: no key, no capacity settings
            assertThat(root.getSubcommands().get(command).getCommandSpec().optionsMap()).as(command)
                    .doesNotContainKeys("--key-store", "--passphrase", "--max-records", "--capacity-policy");
        }
        assertThat(root.getSubcommands().get("decommission").getCommandSpec().optionsMap()).doesNotContainKey("--anchor-contract");
        assertThat(root.getSubcommands().get("provision").getCommandSpec().optionsMap()).containsKey("--anchor-contract");
        assertThat(usage(root)).contains("CERTIGATE_LOG_VERBOSE=true");
        assertThat(usage(root.getSubcommands().get("run"))).doesNotContain("CERTIGATE_LOG_VERBOSE");
    }

    @Test
    void knownPathsAndValuesAppearUnbroken() {
        assertThat(usage(CertigateCli.commandLine().getSubcommands().get("enrol")))
                .contains("/usr/lib/softhsm/libsofthsm2.so").contains("site:<id>");
        assertThat(usage(CertigateCli.commandLine().getSubcommands().get("export"))).contains("2026-11-24T00:00:00Z");
    }
}
