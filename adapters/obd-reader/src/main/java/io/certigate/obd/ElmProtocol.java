package io.certigate.obd;

/** The OBD bus protocols an ELM327 reports with {@code ATDPN} (ELM327 datasheet, "AT SP h"). */
public enum ElmProtocol {
    AUTO('0', "Automatic", HeaderLayout.LEGACY),
    J1850_PWM('1', "SAE J1850 PWM (41.6 kbaud)", HeaderLayout.LEGACY),
    J1850_VPW('2', "SAE J1850 VPW (10.4 kbaud)", HeaderLayout.LEGACY),
    ISO_9141_2('3', "ISO 9141-2 (5 baud init)", HeaderLayout.LEGACY),
    ISO_14230_4_KWP_5BAUD('4', "ISO 14230-4 KWP (5 baud init)", HeaderLayout.LEGACY),
    ISO_14230_4_KWP_FAST('5', "ISO 14230-4 KWP (fast init)", HeaderLayout.LEGACY),
    ISO_15765_4_CAN_11_500('6', "ISO 15765-4 CAN (11 bit ID, 500 kbaud)", HeaderLayout.CAN_11),
    ISO_15765_4_CAN_29_500('7', "ISO 15765-4 CAN (29 bit ID, 500 kbaud)", HeaderLayout.CAN_29),
    ISO_15765_4_CAN_11_250('8', "ISO 15765-4 CAN (11 bit ID, 250 kbaud)", HeaderLayout.CAN_11),
    ISO_15765_4_CAN_29_250('9', "ISO 15765-4 CAN (29 bit ID, 250 kbaud)", HeaderLayout.CAN_29),
    SAE_J1939('A', "SAE J1939 CAN (29 bit ID, 250 kbaud)", HeaderLayout.CAN_29),
    USER1_CAN('B', "User1 CAN (11 bit ID, 125 kbaud)", HeaderLayout.CAN_11),
    USER2_CAN('C', "User2 CAN (11 bit ID, 50 kbaud)", HeaderLayout.CAN_11);

    private final char number;
    private final String description;
    private final HeaderLayout headers;

    ElmProtocol(char number, String description, HeaderLayout headers) {
        this.number = number;
        this.description = description;
        this.headers = headers;
    }

    public char number() {
        return number;
    }

    public String description() {
        return description;
    }

    /** The header layout the adapter prints for this protocol when headers are on (ATH1). */
    public HeaderLayout headerLayout() {
        return headers;
    }

    /**
     * Reads an {@code ATDPN} answer: the protocol number, prefixed with {@code A} when it was
     * found by automatic search ({@code A6}).
     *
     * @throws IllegalArgumentException when the text is no protocol number
     */
    public static ElmProtocol fromDpn(String reply) {
        String s = reply == null ? "" : reply.trim().toUpperCase(java.util.Locale.ROOT);
        if (s.length() == 2 && s.charAt(0) == 'A') {
            s = s.substring(1);
        }
        if (s.length() == 1) {
            for (ElmProtocol p : values()) {
                if (p.number == s.charAt(0)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("not an ATDPN protocol number: " + ObdReplyException.quote(reply));
    }
}
