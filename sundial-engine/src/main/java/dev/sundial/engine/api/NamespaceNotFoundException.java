package dev.sundial.engine.api;

/** The namespace named in a request does not exist. */
public final class NamespaceNotFoundException extends EngineException {
  private final String namespace;

  public NamespaceNotFoundException(String namespace) {
    super(Code.NOT_FOUND, "Namespace " + namespace + " is not found.");
    this.namespace = namespace;
  }

  public String namespace() {
    return namespace;
  }
}
