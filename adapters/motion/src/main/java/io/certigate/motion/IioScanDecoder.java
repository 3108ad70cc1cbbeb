package io.certigate.motion;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the byte stream of an IIO buffer's character device into scans of a {@link IioScanLayout}
 * and gives each scan's channel values (raw, before scale). Pure and incremental: bytes may arrive
 * in any chunks, a partial scan waits for the rest.
 */
public final class IioScanDecoder {
    private final IioScanLayout layout;
    private final byte[] pending;
    private int filled;

    public IioScanDecoder(IioScanLayout layout) {
        this.layout = layout;
        this.pending = new byte[layout.scanBytes()];
    }

    public IioScanLayout layout() {
        return layout;
    }

    /** The scans completed by {@code bytes[off, off + len)}: per scan the raw values in the layout's channel order. */
    public List<long[]> accept(byte[] bytes, int off, int len) {
        List<long[]> scans = new ArrayList<>();
        int i = off;
        int end = off + len;
        while (i < end) {
            int take = Math.min(pending.length - filled, end - i);
            System.arraycopy(bytes, i, pending, filled, take);
            filled += take;
            i += take;
            if (filled == pending.length) {
                long[] values = new long[layout.channels().size()];
                for (int c = 0; c < values.length; c++) {
                    IioScanLayout.Channel ch = layout.channels().get(c);
                    values[c] = ch.type().extract(pending, ch.offset());
                }
                scans.add(values);
                filled = 0;
            }
        }
        return scans;
    }

    /** Bytes of a scan received so far but not yet complete. */
    public int pendingBytes() {
        return filled;
    }
}
