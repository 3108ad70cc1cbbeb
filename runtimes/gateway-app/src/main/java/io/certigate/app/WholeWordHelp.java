package io.certigate.app;

import java.util.IllegalFormatException;
import java.util.Map;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's usage help, wrapped at spaces only. picocli wraps with {@link java.text.BreakIterator},
 * which also breaks after a dot, colon or slash, so that a path or a value is cut in two
 * ({@code /usr/lib/softhsm/libsofthsm2.} / {@code so}, {@code site:} / {@code <id>}). Here the
 * descriptions, the command list and the option and parameter lists break only between words; a
 * single word longer than its column is still cut.
 */
public final class WholeWordHelp extends Help {

    public WholeWordHelp(CommandSpec spec, ColorScheme colorScheme) {
        super(spec, colorScheme);
    }

    @Override
    public String description(Object... params) {
        return paragraphs(commandSpec().usageMessage().description(), params);
    }

    @Override
    public String header(Object... params) {
        return paragraphs(commandSpec().usageMessage().header(), params);
    }

    @Override
    public String footer(Object... params) {
        return paragraphs(commandSpec().usageMessage().footer(), params);
    }

    @Override
    public TextTable createTextTable(Map<?, ?> map) {
        return WholeWordTable.like(super.createTextTable(map), colorScheme());
    }

    @Override
    public Layout createDefaultLayout() {
        return wholeWords(super.createDefaultLayout());
    }

    @Override
    public Layout createDefaultLayout(java.util.List<OptionSpec> options, java.util.List<PositionalParamSpec> positionals,
            ColorScheme scheme) {
        return wholeWords(super.createDefaultLayout(options, positionals, scheme));
    }

    private static Layout wholeWords(Layout layout) {
        return new Layout(layout.colorScheme(), WholeWordTable.like(layout.textTable(), layout.colorScheme()),
                layout.optionRenderer(), layout.parameterRenderer());
    }

    /** Each line of {@code lines} as a paragraph over the usage width, as picocli's own join does. */
    private String paragraphs(String[] lines, Object... params) {
        if (lines == null || lines.length == 0) {
            return "";
        }
        TextTable table = new WholeWordTable(colorScheme(),
                new Column(commandSpec().usageMessage().width(), 0, Column.Overflow.WRAP));
        table.indentWrappedLines = 0;
        for (String line : lines) {
            table.addRowValues(format(line, params));
        }
        return table.toString();
    }

    private static String format(String line, Object... params) {
        try {
            return line == null ? "" : String.format(line, params);
        } catch (IllegalFormatException e) {
            return line;
        }
    }

    /** A text table whose wrapping columns break lines at whitespace only. */
    static final class WholeWordTable extends TextTable {
        private final ColorScheme colorScheme;

        WholeWordTable(ColorScheme colorScheme, Column... columns) {
            super(colorScheme, columns);
            this.colorScheme = colorScheme;
        }

        static WholeWordTable like(TextTable table, ColorScheme colorScheme) {
            WholeWordTable t = new WholeWordTable(colorScheme, table.columns());
            t.indentWrappedLines = table.indentWrappedLines;
            t.setAdjustLineBreaksForWideCJKCharacters(table.isAdjustLineBreaksForWideCJKCharacters());
            return t;
        }

        /**
         * Writes {@code value} line by line, each line cut at the last space that fits, so that
         * picocli's own wrapping never has to break it; continuation lines are indented by
         * {@link #indentWrappedLines} as picocli does.
         */
        @Override
        public Cell putValue(int row, int col, Text value) {
            Column column = columns()[col];
            String plain = value == null ? "" : value.plainString();
            if (column.overflow != Column.Overflow.WRAP || plain.isEmpty()) {
                return super.putValue(row, col, value);
            }
            int start = 0;
            int extraIndent = 0;
            for (int r = row;; r++) {
                int room = Math.max(1, column.width - column.indent - extraIndent);
                int end = lineEnd(plain, start, room);
                Text line = value.substring(start, end);
                if (extraIndent > 0) {
                    line = colorScheme.ansi().new Text(" ".repeat(extraIndent), colorScheme).concat(line);
                }
                Cell cell = super.putValue(r, col, line);
                start = end;
                while (start < plain.length() && Character.isWhitespace(plain.charAt(start))) {
                    start++;
                }
                if (start >= plain.length()) {
                    return cell;
                }
                if (r + 1 >= rowCount()) {
                    addEmptyRow();
                }
                extraIndent = indentWrappedLines;
            }
        }

        /** Where the line starting at {@code start} ends: the last space within {@code room}, or a hard cut. */
        static int lineEnd(String text, int start, int room) {
            if (text.length() - start <= room) {
                return text.length();
            }
            for (int i = start + room; i > start; i--) {
                if (Character.isWhitespace(text.charAt(i))) {
                    int end = i;
                    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                        end--;
                    }
                    if (end > start) {
                        return end;
                    }
                }
            }
            return start + room; // one word longer than the column
        }
    }
}
