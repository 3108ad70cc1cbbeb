package io.certigate.motion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The layout of one scan in an IIO buffer: the enabled channels ({@code scan_elements/*_en} = 1) in
 * the order of their {@code _index}, each at an offset aligned to its own storage size, and the scan
 * padded to the largest element (the kernel's {@code iio_compute_scan_bytes}), so that a scan with a
 * 64-bit timestamp is a multiple of 8 bytes.
 *
 * @param channels  the enabled channels, by index
 * @param scanBytes the size of one scan in the buffer
 */
public record IioScanLayout(List<Channel> channels, int scanBytes) {

    /**
     * One enabled channel.
     *
     * @param name   the element's name without {@code _en}/{@code _type}: {@code in_accel_x}, {@code in_timestamp}
     * @param index  its {@code _index}
     * @param type   its {@code _type}
     * @param offset its byte offset within a scan
     */
    public record Channel(String name, int index, IioChannelType type, int offset) {}

    public IioScanLayout {
        channels = List.copyOf(channels);
    }

    /** The layout of {@code enabled} channels (name, index, type; offsets are computed). */
    public static IioScanLayout of(List<Channel> enabled) {
        List<Channel> sorted = new ArrayList<>(enabled);
        sorted.sort(Comparator.comparingInt(Channel::index));
        List<Channel> placed = new ArrayList<>();
        int offset = 0;
        int largest = 1;
        for (Channel c : sorted) {
            int align = c.type().storageBits() / 8;
            offset = (offset + align - 1) / align * align;
            placed.add(new Channel(c.name(), c.index(), c.type(), offset));
            offset += c.type().bytes();
            largest = Math.max(largest, align);
        }
        int scan = (offset + largest - 1) / largest * largest;
        return new IioScanLayout(placed, scan);
    }

    /**
     * Reads the enabled channels of a device's {@code scan_elements} folder.
     *
     * @throws IioFormatException a {@code _type} or {@code _index} that does not parse, or no channel enabled
     */
    public static IioScanLayout read(Path scanElements) throws IOException, IioFormatException {
        List<Channel> enabled = new ArrayList<>();
        List<Path> flags;
        try (Stream<Path> s = Files.list(scanElements)) {
            flags = s.filter(p -> p.getFileName().toString().endsWith("_en")).sorted().toList();
        }
        for (Path en : flags) {
            if (!attribute(en).equals("1")) {
                continue;
            }
            String file = en.getFileName().toString();
            String name = file.substring(0, file.length() - 3);
            Path dir = en.getParent();
            int index;
            try {
                index = Integer.parseInt(attribute(dir.resolve(name + "_index")));
            } catch (NumberFormatException | NoSuchFileException e) {
                throw new IioFormatException(dir.resolve(name + "_index") + ": not a channel index (" + e.getMessage() + ")");
            }
            enabled.add(new Channel(name, index, IioChannelType.parse(attribute(dir.resolve(name + "_type"))), 0));
        }
        if (enabled.isEmpty()) {
            throw new IioFormatException(scanElements + ": no scan element is enabled (*_en = 1)");
        }
        return of(enabled);
    }

    /** The channel named {@code name}, or null. */
    public Channel channel(String name) {
        return channels.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    static String attribute(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }
}
