package io.certigate.provisioning.enrol;

/** An enrolment message was malformed or an enrolment step failed; the message says which. */
public class EnrolmentException extends Exception {
    public EnrolmentException(String message) {
        super(message);
    }

    public EnrolmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
