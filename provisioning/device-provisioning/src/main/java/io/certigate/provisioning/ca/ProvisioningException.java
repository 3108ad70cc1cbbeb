package io.certigate.provisioning.ca;

/** A provisioning step was refused or failed; the message names the device and the reason. */
public class ProvisioningException extends Exception {
    public ProvisioningException(String message) {
        super(message);
    }

    public ProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
