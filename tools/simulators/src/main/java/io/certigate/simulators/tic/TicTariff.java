package io.certigate.simulators.tic;

import java.time.DayOfWeek;
import java.time.LocalDateTime;

/** Tariff options the TIC simulator can play, with their registers in each mode. */
public enum TicTariff {
    /** One register. */
    BASE,
    /** Off-peak 22:00–06:00, peak otherwise. */
    HCHP,
    /** Off-peak/peak on blue, white and red days. */
    TEMPO;

    /** Index of the active register (0-based) at a local time. */
    int activeRegister(LocalDateTime local) {
        boolean offPeak = local.getHour() >= 22 || local.getHour() < 6;
        switch (this) {
            case BASE:
                return 0;
            case HCHP:
                return offPeak ? 0 : 1;
            default:
                return color(local) * 2 + (offPeak ? 0 : 1);
        }
    }

    int registers() {
        return this == BASE ? 1 : this == HCHP ? 2 : 6;
    }

    /** TEMPO day colour: 0 blue, 1 white, 2 red (red on winter weekdays mid-month, white on some others). */
    static int color(LocalDateTime local) {
        LocalDateTime day = local.getHour() < 6 ? local.minusDays(1) : local; // a TEMPO day starts at 06:00
        boolean winter = day.getMonthValue() >= 11 || day.getMonthValue() <= 3;
        boolean weekday = day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY;
        if (winter && weekday && day.getDayOfMonth() % 7 == 3) {
            return 2;
        }
        if (weekday && day.getDayOfMonth() % 5 == 1) {
            return 1;
        }
        return 0;
    }
}
