package io.certigate.simulators.elm327;

import java.math.BigDecimal;

/**
 * How the simulated adapter and vehicle behave. Echo, headers, spaces and linefeeds are the
 * adapter's state after a reset (the reader's AT commands change them as on a real ELM327).
 *
 * @param echo               echo on after reset (a real ELM327: on)
 * @param headers            headers on after reset (real: off)
 * @param spaces             spaces on after reset (real: on)
 * @param protocol           the bus protocol number the vehicle speaks: 6 (CAN 11-bit), 7 (CAN 29-bit), 3 (ISO 9141-2)
 * @param vinSupported       whether 09 02 is answered (as a multi-frame message on CAN)
 * @param odometerSupported  whether PID A6 is supported
 * @param secondEcu          a second ECU (7E9) also answers 01 00
 * @param noDataEvery        every n-th OBD request starts a NO DATA burst (0: never)
 * @param noDataLength       requests answered NO DATA in a burst
 * @param garbageEvery       every n-th OBD request is answered with a garbage line (0: never)
 * @param disconnectAfter    the connection drops after this many OBD requests (0: never)
 * @param ignitionOff        the vehicle does not answer at all (UNABLE TO CONNECT)
 * @param rollbackAfterReads after this many odometer reads the odometer is wound back (0: never)
 * @param rollbackKm         by how much
 */
public record Elm327Switches(boolean echo, boolean headers, boolean spaces, char protocol, boolean vinSupported,
        boolean odometerSupported, boolean secondEcu, int noDataEvery, int noDataLength, int garbageEvery,
        int disconnectAfter, boolean ignitionOff, int rollbackAfterReads, BigDecimal rollbackKm) {

    public static Elm327Switches defaults() {
        return new Elm327Switches(true, false, true, '6', true, true, false, 0, 0, 0, 0, false, 0, BigDecimal.ZERO);
    }

    public Elm327Switches withEcho(boolean v) {
        return new Elm327Switches(v, headers, spaces, protocol, vinSupported, odometerSupported, secondEcu, noDataEvery,
                noDataLength, garbageEvery, disconnectAfter, ignitionOff, rollbackAfterReads, rollbackKm);
    }

    public Elm327Switches withProtocol(char v) {
        return new Elm327Switches(echo, headers, spaces, v, vinSupported, odometerSupported, secondEcu, noDataEvery,
                noDataLength, garbageEvery, disconnectAfter, ignitionOff, rollbackAfterReads, rollbackKm);
    }

    public Elm327Switches withVinSupported(boolean v) {
        return new Elm327Switches(echo, headers, spaces, protocol, v, odometerSupported, secondEcu, noDataEvery,
                noDataLength, garbageEvery, disconnectAfter, ignitionOff, rollbackAfterReads, rollbackKm);
    }

    public Elm327Switches withOdometerSupported(boolean v) {
        return new Elm327Switches(echo, headers, spaces, protocol, vinSupported, v, secondEcu, noDataEvery,
                noDataLength, garbageEvery, disconnectAfter, ignitionOff, rollbackAfterReads, rollbackKm);
    }

    public Elm327Switches withSecondEcu(boolean v) {
        return new Elm327Switches(echo, headers, spaces, protocol, vinSupported, odometerSupported, v, noDataEvery,
                noDataLength, garbageEvery, disconnectAfter, ignitionOff, rollbackAfterReads, rollbackKm);
    }

    public Elm327Switches withNoDataBursts(int every, int length) {
        return new Elm327Switches(echo, headers, spaces, protocol, vinSupported, odometerSupported, secondEcu, every,
                length, garbageEvery, disconnectAfter, ignitionOff, rollbackAfterReads, rollbackKm);
    }

    public Elm327Switches withGarbageEvery(int every) {
        return new Elm327Switches(echo, headers, spaces, protocol, vinSupported, odometerSupported, secondEcu, noDataEvery,
                noDataLength, every, disconnectAfter, ignitionOff, rollbackAfterReads, rollbackKm);
    }

    public Elm327Switches withDisconnectAfter(int requests) {
        return new Elm327Switches(echo, headers, spaces, protocol, vinSupported, odometerSupported, secondEcu, noDataEvery,
                noDataLength, garbageEvery, requests, ignitionOff, rollbackAfterReads, rollbackKm);
    }

    public Elm327Switches withIgnitionOff(boolean v) {
        return new Elm327Switches(echo, headers, spaces, protocol, vinSupported, odometerSupported, secondEcu, noDataEvery,
                noDataLength, garbageEvery, disconnectAfter, v, rollbackAfterReads, rollbackKm);
    }

    public Elm327Switches withRollback(int afterReads, BigDecimal km) {
        return new Elm327Switches(echo, headers, spaces, protocol, vinSupported, odometerSupported, secondEcu, noDataEvery,
                noDataLength, garbageEvery, disconnectAfter, ignitionOff, afterReads, km);
    }
}
