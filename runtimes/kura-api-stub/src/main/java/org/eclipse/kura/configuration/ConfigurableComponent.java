package org.eclipse.kura.configuration;

/**
 * Stand-in for Eclipse Kura's marker interface of the same name (no methods). Kura's configuration
 * service lists, in its web console, every component whose service implements this interface, and
 * renders the component's metatype as a form.
 */
public interface ConfigurableComponent {
}
