package dev.sundial.persistence.visibility;

import java.util.Objects;

/** What a filter or sort addresses: a system column, or a custom (or predefined) attribute. */
public record Field(SystemField system, String name, SaType type) {
  public Field {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  public static Field system(SystemField f) {
    return new Field(f, f.attributeName(), f.type());
  }

  /** An attribute kept in the row's search attribute document. */
  public static Field custom(String name, SaType type) {
    return new Field(null, name, type);
  }

  public boolean isSystem() {
    return system != null;
  }
}
