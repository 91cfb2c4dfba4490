package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The store contract, part: Namespaces: created, listed and updated with version checks. */
public interface NamespaceStoreContract extends StoreContractSupport {
  // ---- namespaces

  @Test
  default void namespacesAreCreatedListedAndUpdatedWithVersionChecks() {
    store().createNamespace(new NamespaceRecord("id-b", "beta", 1, bytes("b1")));
    store().createNamespace(new NamespaceRecord("id-a", "alpha", 1, bytes("a1")));
    assertThat(store().listNamespaces()).extracting(NamespaceRecord::name)
        .containsExactly("alpha", "beta");
    assertThatThrownBy(() -> store().createNamespace(new NamespaceRecord("id-c", "alpha", 1, null)))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store().createNamespace(new NamespaceRecord("id-a", "gamma", 1, null)))
        .isInstanceOf(ConflictException.class);

    store().updateNamespace(new NamespaceRecord("id-a", "alpha", 2, bytes("a2")), 1);
    assertThatThrownBy(
            () -> store().updateNamespace(new NamespaceRecord("id-a", "alpha", 2, bytes("x")), 1))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(
            () -> store().updateNamespace(new NamespaceRecord("id-a", "beta", 3, bytes("x")), 2))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store().updateNamespace(new NamespaceRecord("nope", "n", 2, null), 1))
        .isInstanceOf(ConflictException.class);
    assertThat(store().listNamespaces()).usingRecursiveFieldByFieldElementComparator()
        .containsExactly(new NamespaceRecord("id-a", "alpha", 2, bytes("a2")),
            new NamespaceRecord("id-b", "beta", 1, bytes("b1")));
  }
}
