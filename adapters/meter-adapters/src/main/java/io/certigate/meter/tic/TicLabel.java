package io.certigate.meter.tic;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The label dictionary of both TIC modes (Enedis-NOI-CPT_54E: historic-mode and standard-mode
 * label tables). One place for the protocol's vocabulary: the label as sent, its mode, the kind
 * and length of its data, its unit, whether it carries a horodate, and what reading (if any) it
 * feeds. Labels absent from this table are still decoded (their checksum is checked) and shown,
 * but produce no reading.
 */
public enum TicLabel {
    // ---- historic mode -------------------------------------------------------------------------
    ADCO(TicMode.HISTORIC, "ADCO", Data.ID, 12, null, Role.METER_ID),
    OPTARIF(TicMode.HISTORIC, "OPTARIF", Data.TEXT, 4, null, Role.NONE),
    ISOUSC(TicMode.HISTORIC, "ISOUSC", Data.NUMBER, 2, "A", Role.NONE),
    BASE(TicMode.HISTORIC, "BASE", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    HCHC(TicMode.HISTORIC, "HCHC", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    HCHP(TicMode.HISTORIC, "HCHP", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EJPHN(TicMode.HISTORIC, "EJPHN", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EJPHPM(TicMode.HISTORIC, "EJPHPM", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    BBRHCJB(TicMode.HISTORIC, "BBRHCJB", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    BBRHPJB(TicMode.HISTORIC, "BBRHPJB", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    BBRHCJW(TicMode.HISTORIC, "BBRHCJW", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    BBRHPJW(TicMode.HISTORIC, "BBRHPJW", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    BBRHCJR(TicMode.HISTORIC, "BBRHCJR", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    BBRHPJR(TicMode.HISTORIC, "BBRHPJR", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    PEJP(TicMode.HISTORIC, "PEJP", Data.NUMBER, 2, "min", Role.NONE),
    PTEC(TicMode.HISTORIC, "PTEC", Data.TEXT, 4, null, Role.NONE),
    DEMAIN(TicMode.HISTORIC, "DEMAIN", Data.TEXT, 4, null, Role.NONE),
    IINST(TicMode.HISTORIC, "IINST", Data.NUMBER, 3, "A", Role.CURRENT),
    IINST1(TicMode.HISTORIC, "IINST1", Data.NUMBER, 3, "A", Role.CURRENT),
    IINST2(TicMode.HISTORIC, "IINST2", Data.NUMBER, 3, "A", Role.CURRENT),
    IINST3(TicMode.HISTORIC, "IINST3", Data.NUMBER, 3, "A", Role.CURRENT),
    ADPS(TicMode.HISTORIC, "ADPS", Data.NUMBER, 3, "A", Role.NONE),
    ADIR1(TicMode.HISTORIC, "ADIR1", Data.NUMBER, 3, "A", Role.NONE),
    ADIR2(TicMode.HISTORIC, "ADIR2", Data.NUMBER, 3, "A", Role.NONE),
    ADIR3(TicMode.HISTORIC, "ADIR3", Data.NUMBER, 3, "A", Role.NONE),
    IMAX(TicMode.HISTORIC, "IMAX", Data.NUMBER, 3, "A", Role.NONE),
    IMAX1(TicMode.HISTORIC, "IMAX1", Data.NUMBER, 3, "A", Role.NONE),
    IMAX2(TicMode.HISTORIC, "IMAX2", Data.NUMBER, 3, "A", Role.NONE),
    IMAX3(TicMode.HISTORIC, "IMAX3", Data.NUMBER, 3, "A", Role.NONE),
    PMAX(TicMode.HISTORIC, "PMAX", Data.NUMBER, 5, "W", Role.NONE),
    PAPP(TicMode.HISTORIC, "PAPP", Data.NUMBER, 5, "VA", Role.APPARENT_POWER),
    HHPHC(TicMode.HISTORIC, "HHPHC", Data.TEXT, 1, null, Role.NONE),
    MOTDETAT(TicMode.HISTORIC, "MOTDETAT", Data.TEXT, 6, null, Role.NONE),
    PPOT(TicMode.HISTORIC, "PPOT", Data.TEXT, 2, null, Role.NONE),

    // ---- standard mode -------------------------------------------------------------------------
    ADSC(TicMode.STANDARD, "ADSC", Data.ID, 12, null, Role.METER_ID),
    VTIC(TicMode.STANDARD, "VTIC", Data.TEXT, 2, null, Role.NONE),
    DATE(TicMode.STANDARD, "DATE", Data.EMPTY, 0, null, Role.METER_TIME),
    NGTF(TicMode.STANDARD, "NGTF", Data.TEXT, 16, null, Role.NONE),
    LTARF(TicMode.STANDARD, "LTARF", Data.TEXT, 16, null, Role.NONE),
    EAST(TicMode.STANDARD, "EAST", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASF01(TicMode.STANDARD, "EASF01", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASF02(TicMode.STANDARD, "EASF02", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASF03(TicMode.STANDARD, "EASF03", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASF04(TicMode.STANDARD, "EASF04", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASF05(TicMode.STANDARD, "EASF05", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASF06(TicMode.STANDARD, "EASF06", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASF07(TicMode.STANDARD, "EASF07", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASF08(TicMode.STANDARD, "EASF08", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASF09(TicMode.STANDARD, "EASF09", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASF10(TicMode.STANDARD, "EASF10", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASD01(TicMode.STANDARD, "EASD01", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASD02(TicMode.STANDARD, "EASD02", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASD03(TicMode.STANDARD, "EASD03", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EASD04(TicMode.STANDARD, "EASD04", Data.NUMBER, 9, "Wh", Role.IMPORT_INDEX),
    EAIT(TicMode.STANDARD, "EAIT", Data.NUMBER, 9, "Wh", Role.EXPORT_INDEX),
    ERQ1(TicMode.STANDARD, "ERQ1", Data.NUMBER, 9, "VAR.h", Role.NONE),
    ERQ2(TicMode.STANDARD, "ERQ2", Data.NUMBER, 9, "VAR.h", Role.NONE),
    ERQ3(TicMode.STANDARD, "ERQ3", Data.NUMBER, 9, "VAR.h", Role.NONE),
    ERQ4(TicMode.STANDARD, "ERQ4", Data.NUMBER, 9, "VAR.h", Role.NONE),
    IRMS1(TicMode.STANDARD, "IRMS1", Data.NUMBER, 3, "A", Role.CURRENT),
    IRMS2(TicMode.STANDARD, "IRMS2", Data.NUMBER, 3, "A", Role.CURRENT),
    IRMS3(TicMode.STANDARD, "IRMS3", Data.NUMBER, 3, "A", Role.CURRENT),
    URMS1(TicMode.STANDARD, "URMS1", Data.NUMBER, 3, "V", Role.NONE),
    URMS2(TicMode.STANDARD, "URMS2", Data.NUMBER, 3, "V", Role.NONE),
    URMS3(TicMode.STANDARD, "URMS3", Data.NUMBER, 3, "V", Role.NONE),
    PREF(TicMode.STANDARD, "PREF", Data.NUMBER, 2, "kVA", Role.NONE),
    PCOUP(TicMode.STANDARD, "PCOUP", Data.NUMBER, 2, "kVA", Role.NONE),
    SINSTS(TicMode.STANDARD, "SINSTS", Data.NUMBER, 5, "VA", Role.APPARENT_POWER),
    SINSTS1(TicMode.STANDARD, "SINSTS1", Data.NUMBER, 5, "VA", Role.NONE),
    SINSTS2(TicMode.STANDARD, "SINSTS2", Data.NUMBER, 5, "VA", Role.NONE),
    SINSTS3(TicMode.STANDARD, "SINSTS3", Data.NUMBER, 5, "VA", Role.NONE),
    SMAXSN(TicMode.STANDARD, "SMAXSN", Data.NUMBER_AT, 5, "VA", Role.NONE),
    SMAXSN1(TicMode.STANDARD, "SMAXSN1", Data.NUMBER_AT, 5, "VA", Role.NONE),
    SMAXSN2(TicMode.STANDARD, "SMAXSN2", Data.NUMBER_AT, 5, "VA", Role.NONE),
    SMAXSN3(TicMode.STANDARD, "SMAXSN3", Data.NUMBER_AT, 5, "VA", Role.NONE),
    SMAXSN_1(TicMode.STANDARD, "SMAXSN-1", Data.NUMBER_AT, 5, "VA", Role.NONE),
    SINSTI(TicMode.STANDARD, "SINSTI", Data.NUMBER, 5, "VA", Role.NONE),
    SMAXIN(TicMode.STANDARD, "SMAXIN", Data.NUMBER_AT, 5, "VA", Role.NONE),
    SMAXIN_1(TicMode.STANDARD, "SMAXIN-1", Data.NUMBER_AT, 5, "VA", Role.NONE),
    CCASN(TicMode.STANDARD, "CCASN", Data.NUMBER_AT, 5, "W", Role.NONE),
    CCASN_1(TicMode.STANDARD, "CCASN-1", Data.NUMBER_AT, 5, "W", Role.NONE),
    CCAIN(TicMode.STANDARD, "CCAIN", Data.NUMBER_AT, 5, "W", Role.NONE),
    CCAIN_1(TicMode.STANDARD, "CCAIN-1", Data.NUMBER_AT, 5, "W", Role.NONE),
    UMOY1(TicMode.STANDARD, "UMOY1", Data.NUMBER_AT, 3, "V", Role.NONE),
    UMOY2(TicMode.STANDARD, "UMOY2", Data.NUMBER_AT, 3, "V", Role.NONE),
    UMOY3(TicMode.STANDARD, "UMOY3", Data.NUMBER_AT, 3, "V", Role.NONE),
    STGE(TicMode.STANDARD, "STGE", Data.TEXT, 8, null, Role.NONE),
    DPM1(TicMode.STANDARD, "DPM1", Data.TEXT_AT, 2, null, Role.NONE),
    FPM1(TicMode.STANDARD, "FPM1", Data.TEXT_AT, 2, null, Role.NONE),
    DPM2(TicMode.STANDARD, "DPM2", Data.TEXT_AT, 2, null, Role.NONE),
    FPM2(TicMode.STANDARD, "FPM2", Data.TEXT_AT, 2, null, Role.NONE),
    DPM3(TicMode.STANDARD, "DPM3", Data.TEXT_AT, 2, null, Role.NONE),
    FPM3(TicMode.STANDARD, "FPM3", Data.TEXT_AT, 2, null, Role.NONE),
    MSG1(TicMode.STANDARD, "MSG1", Data.TEXT, 32, null, Role.NONE),
    MSG2(TicMode.STANDARD, "MSG2", Data.TEXT, 16, null, Role.NONE),
    PRM(TicMode.STANDARD, "PRM", Data.ID, 14, null, Role.NONE),
    RELAIS(TicMode.STANDARD, "RELAIS", Data.NUMBER, 3, null, Role.NONE),
    NTARF(TicMode.STANDARD, "NTARF", Data.NUMBER, 2, null, Role.NONE),
    NJOURF(TicMode.STANDARD, "NJOURF", Data.NUMBER, 2, null, Role.NONE),
    NJOURF_PLUS_1(TicMode.STANDARD, "NJOURF+1", Data.NUMBER, 2, null, Role.NONE),
    PJOURF_PLUS_1(TicMode.STANDARD, "PJOURF+1", Data.TEXT, 98, null, Role.NONE),
    PPOINTE(TicMode.STANDARD, "PPOINTE", Data.TEXT, 98, null, Role.NONE);

    /** What the data field of a group holds. */
    public enum Data {
        /** A meter or delivery-point identifier (digits). */
        ID,
        /** Free text. */
        TEXT,
        /** A decimal integer, zero-padded. */
        NUMBER,
        /** Nothing: the horodate is the information ({@code DATE}). */
        EMPTY,
        /** A horodate then a decimal integer. */
        NUMBER_AT,
        /** A horodate then text. */
        TEXT_AT;

        public boolean horodated() {
            return this == EMPTY || this == NUMBER_AT || this == TEXT_AT;
        }
    }

    /** What reading, if any, a label feeds. */
    public enum Role {
        NONE, METER_ID, METER_TIME, IMPORT_INDEX, EXPORT_INDEX, APPARENT_POWER, CURRENT
    }

    private static final Map<String, TicLabel> BY_WIRE = new HashMap<>();

    static {
        for (TicLabel l : values()) {
            BY_WIRE.put(l.mode.name() + '/' + l.wire, l);
        }
    }

    private final TicMode mode;
    private final String wire;
    private final Data data;
    private final int length;
    private final String unit;
    private final Role role;

    TicLabel(TicMode mode, String wire, Data data, int length, String unit, Role role) {
        this.mode = mode;
        this.wire = wire;
        this.data = data;
        this.length = length;
        this.unit = unit;
        this.role = role;
    }

    /** The label of {@code mode} sent as {@code wire}, if the dictionary knows it. */
    public static Optional<TicLabel> lookup(TicMode mode, String wire) {
        return Optional.ofNullable(BY_WIRE.get(mode.name() + '/' + wire));
    }

    public TicMode mode() {
        return mode;
    }

    /** The label exactly as the meter sends it, e.g. {@code SMAXSN-1}. */
    public String wire() {
        return wire;
    }

    public Data data() {
        return data;
    }

    /** Length of the data field in characters (without the horodate). */
    public int length() {
        return length;
    }

    /** UCUM unit of the value, or null. */
    public String unit() {
        return unit;
    }

    public Role role() {
        return role;
    }
}
