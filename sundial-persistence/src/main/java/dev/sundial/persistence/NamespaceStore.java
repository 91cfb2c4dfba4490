package dev.sundial.persistence;

import java.util.List;

/**
 * Namespace records, versioned for compare-and-set updates.
 */
public interface NamespaceStore {

  List<NamespaceRecord> listNamespaces();

  /** Inserts a namespace; throws ConflictException if the name or id is taken. */
  void createNamespace(NamespaceRecord namespace);

  /** Replaces a namespace if its stored version equals expectedVersion; else ConflictException. */
  void updateNamespace(NamespaceRecord namespace, long expectedVersion);
}
