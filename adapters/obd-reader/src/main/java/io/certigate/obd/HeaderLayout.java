package io.certigate.obd;

/** How the ELM327 prints message headers, which depends on ATH and on the bus protocol. */
public enum HeaderLayout {
    /** ATH0: no headers; CAN multi-frame replies use CAN formatting ({@code 014} then {@code 0:} lines). */
    NONE(0),
    /** ATH1 on ISO 15765-4 with 11-bit ids: a 3-digit id ({@code 7E8}) then the ISO-TP PCI byte. */
    CAN_11(0),
    /** ATH1 on ISO 15765-4 with 29-bit ids: 4 id bytes ({@code 18 DA F1 10}) then the PCI byte. */
    CAN_29(4),
    /** ATH1 on J1850 / ISO 9141-2 / ISO 14230-4: 3 header bytes ({@code 48 6B 10}), data, 1 checksum byte. */
    LEGACY(3);

    private final int headerBytes;

    HeaderLayout(int headerBytes) {
        this.headerBytes = headerBytes;
    }

    /** Header length in whole bytes (CAN 11-bit ids are printed as 3 hex digits and handled apart). */
    int headerBytes() {
        return headerBytes;
    }

    public boolean isCan() {
        return this == CAN_11 || this == CAN_29;
    }
}
