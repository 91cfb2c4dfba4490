package dev.sundial.server.frontend;

import dev.sundial.engine.Engine;
import dev.sundial.engine.NamespaceDeletion;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.visibility.SearchAttributeRegistry;
import dev.sundial.persistence.visibility.SaType;
import io.grpc.stub.StreamObserver;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.AddSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.DeleteNamespaceRequest;
import io.temporal.api.operatorservice.v1.DeleteNamespaceResponse;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.operatorservice.v1.RemoveSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.RemoveSearchAttributesResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Temporal's OperatorService: search attribute management per namespace (as with Temporal's SQL
 * visibility, the namespace is required). Other operator calls answer UNIMPLEMENTED.
 */
public final class OperatorFrontend extends OperatorServiceGrpc.OperatorServiceImplBase {
  /** What a custom attribute may be called (it is also a key in stored JSON and in queries). */
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]{0,254}");

  private final NamespaceRegistry namespaces;
  private final SearchAttributeRegistry registry;
  private final NamespaceDeletion deletion;

  public OperatorFrontend(Engine engine) {
    this.namespaces = engine.namespaces();
    this.registry = engine.visibility.searchAttributes();
    this.deletion = engine.namespaceDeletion;
  }

  /** The namespace is renamed "-deleted-" and refused from now on; its workflows and schedules go next. */
  @Override
  public void deleteNamespace(
      DeleteNamespaceRequest req,
      StreamObserver<DeleteNamespaceResponse> out) {
    reply(out, () -> {
      String name = req.getNamespace();
      if (name.isEmpty() && !req.getNamespaceId().isEmpty()) {
        name = namespaces.byId(req.getNamespaceId()).name();
      }
      if (name.isEmpty()) {
        throw RequestValidator.invalid("Namespace not set on request.");
      }
      return DeleteNamespaceResponse.newBuilder()
          .setDeletedNamespace(deletion.delete(name)).build();
    });
  }

  @Override
  public void addSearchAttributes(
      AddSearchAttributesRequest req, StreamObserver<AddSearchAttributesResponse> out) {
    reply(out, () -> {
      if (req.getSearchAttributesCount() == 0) {
        throw RequestValidator.invalid("SearchAttributes are not set on request.");
      }
      Map<String, SaType> wanted = new TreeMap<>();
      for (var e : req.getSearchAttributesMap().entrySet()) {
        String name = e.getKey();
        if (SearchAttributeRegistry.isReserved(name)) {
          throw RequestValidator.invalid("Search attribute " + name + " is reserved by system.");
        }
        SaType type = saType(e.getValue());
        if (type == null) {
          throw RequestValidator.invalid(
              "Unknown search attribute type: " + typeName(e.getValue()) + ".");
        }
        if (!NAME.matcher(name).matches()) {
          throw RequestValidator.invalid(
              "Search attribute name " + name + " is not valid: it must start with a letter or"
                  + " '_' and contain only letters, digits, '_', '-' and '.' (at most 255).");
        }
        wanted.put(name, type);
      }
      String nsId = namespaceId(req.getNamespace());
      synchronized (registry) {
        Map<String, SaType> existing = registry.custom(nsId);
        Map<String, SaType> toAdd = new LinkedHashMap<>();
        for (var e : wanted.entrySet()) {
          SaType current = existing.get(e.getKey());
          if (current == null) {
            toAdd.put(e.getKey(), e.getValue());
          } else if (current != e.getValue()) {
            throw RequestValidator.invalid(
                "Search attribute " + e.getKey() + " already exists with type "
                    + current.temporalName() + ".");
          }
          // Same name and type: nothing to do (Temporal treats it as already added).
        }
        registry.add(nsId, toAdd);
      }
      return AddSearchAttributesResponse.getDefaultInstance();
    });
  }

  @Override
  public void removeSearchAttributes(
      RemoveSearchAttributesRequest req, StreamObserver<RemoveSearchAttributesResponse> out) {
    reply(out, () -> {
      if (req.getSearchAttributesCount() == 0) {
        throw RequestValidator.invalid("SearchAttributes are not set on request.");
      }
      String nsId = namespaceId(req.getNamespace());
      List<String> toRemove = new ArrayList<>();
      synchronized (registry) {
        Map<String, SaType> existing = registry.custom(nsId);
        for (String name : req.getSearchAttributesList()) {
          if (existing.containsKey(name)) {
            toRemove.add(name);
          } else if (SearchAttributeRegistry.isReserved(name)
              && (SearchAttributeRegistry.SYSTEM.containsKey(name)
                  || SearchAttributeRegistry.PREDEFINED.containsKey(name)
                  || SearchAttributeRegistry.PREDEFINED_INTERNAL.containsKey(name))) {
            throw RequestValidator.invalid(
                "Unable to remove non-custom search attributes: " + name + ".");
          }
          // Unknown names are skipped, as Temporal does.
        }
        registry.remove(nsId, toRemove);
      }
      return RemoveSearchAttributesResponse.getDefaultInstance();
    });
  }

  @Override
  public void listSearchAttributes(
      ListSearchAttributesRequest req, StreamObserver<ListSearchAttributesResponse> out) {
    reply(out, () -> {
      String nsId = namespaceId(req.getNamespace());
      return ListSearchAttributesResponse.newBuilder()
          .putAllCustomAttributes(VisibilityHandler.types(registry.custom(nsId)))
          .putAllSystemAttributes(VisibilityHandler.types(SearchAttributeRegistry.SYSTEM))
          .putAllSystemAttributes(VisibilityHandler.types(SearchAttributeRegistry.PREDEFINED))
          .putAllSystemAttributes(
              VisibilityHandler.types(SearchAttributeRegistry.PREDEFINED_INTERNAL))
          .build();
    });
  }

  private String namespaceId(String namespace) {
    if (namespace == null || namespace.isEmpty()) {
      throw RequestValidator.invalid("Namespace not set on request.");
    }
    return namespaces.byName(namespace).id();
  }

  private static SaType saType(IndexedValueType t) {
    if (t == IndexedValueType.INDEXED_VALUE_TYPE_UNSPECIFIED || t == IndexedValueType.UNRECOGNIZED) {
      return null;
    }
    return SaType.ofTemporalName(t.name());
  }

  private static String typeName(IndexedValueType t) {
    return t == IndexedValueType.UNRECOGNIZED ? "Unrecognized" : t.name();
  }

  private static <T> void reply(StreamObserver<T> out, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (Throwable t) {
      out.onError(GrpcErrors.toStatus(t));
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }
}
