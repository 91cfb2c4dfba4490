package dev.sundial.server.frontend;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.state.Durations;
import dev.sundial.persistence.ConflictException;
import dev.sundial.server.security.AuthInterceptor;
import dev.sundial.server.security.Principal;
import io.temporal.api.enums.v1.NamespaceState;
import io.temporal.api.enums.v1.ResourceExhaustedCause;
import io.temporal.api.enums.v1.ResourceExhaustedScope;
import io.temporal.api.namespace.v1.NamespaceConfig;
import io.temporal.api.namespace.v1.NamespaceInfo;
import io.temporal.api.workflowservice.v1.*;
import java.time.Duration;

/** Namespace RPCs over the registry. */
final class NamespaceHandler {
  private static final long DEFAULT_RETENTION_MILLIS = 24L * 3600 * 1000;
  private final NamespaceRegistry registry;

  NamespaceHandler(NamespaceRegistry registry) {
    this.registry = registry;
  }

  /**
   * Namespace registrations, server-wide: 10 a second with bursts of 50. A namespace is a
   * long-lived thing; a flood of them is a mistake or an attack.
   */
  private final TokenBucket registrations = new TokenBucket(10, 50);

  RegisterNamespaceResponse register(RegisterNamespaceRequest r) {
    if (!registrations.take()) {
      throw GrpcErrors.resourceExhausted(
          ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT,
          ResourceExhaustedScope.RESOURCE_EXHAUSTED_SCOPE_SYSTEM,
          "namespace registration rate limit exceeded (10/s); retry later");
    }
    if (r.getNamespace().isEmpty()) {
      throw RequestValidator.invalid("Namespace not set on request.");
    }
    if (r.getNamespace().length() > 255) {
      throw RequestValidator.invalid("Namespace length exceeds limit of 255.");
    }
    RequestValidator.nonNegative(r.getWorkflowExecutionRetentionPeriod(), "WorkflowExecutionRetentionPeriod");
    NamespaceConfig.Builder config = NamespaceConfig.newBuilder();
    long retention = Durations.toMillis(r.getWorkflowExecutionRetentionPeriod());
    if (retention > 0) {
      checkRetention(retention, "WorkflowExecutionRetentionPeriod");
    }
    config.setWorkflowExecutionRetentionTtl(
        Durations.ofMillis(retention > 0 ? retention : DEFAULT_RETENTION_MILLIS));
    config.setHistoryArchivalState(r.getHistoryArchivalState());
    config.setVisibilityArchivalState(r.getVisibilityArchivalState());
    registry.register(
        r.getNamespace(),
        NamespaceInfo.newBuilder()
            .setDescription(r.getDescription())
            .setOwnerEmail(r.getOwnerEmail())
            .putAllData(r.getDataMap())
            .build(),
        config.build());
    return RegisterNamespaceResponse.getDefaultInstance();
  }

  /**
   * Temporal rejects a retention below its minimum (one hour for a local namespace); Sundial's
   * minimum can be lowered for tests (see NamespaceRegistry#setMinRetention).
   */
  private void checkRetention(long millis, String field) {
    long min = registry.minRetentionMillis();
    if (millis < min) {
      throw RequestValidator.invalid(
          "A valid retention period is not set on request: " + field + " "
              + Duration.ofMillis(millis) + " is below the minimum of "
              + Duration.ofMillis(min) + ".");
    }
  }

  DescribeNamespaceResponse describe(DescribeNamespaceRequest r) {
    if (!r.getId().isEmpty()) {
      return withCapabilities(registry.byId(r.getId()).description());
    }
    if (r.getNamespace().isEmpty()) {
      throw RequestValidator.invalid("Namespace not set on request.");
    }
    return withCapabilities(registry.anyStateByName(r.getNamespace()).description());
  }

  /**
   * What this server supports in every namespace, as Temporal lists it in the namespace info (SDKs
   * read it): only what is implemented; worker heartbeats and commands, standalone activities'
   * operator commands and batches, poller autoscaling and the rest stay false.
   */
  static DescribeNamespaceResponse withCapabilities(DescribeNamespaceResponse d) {
    DescribeNamespaceResponse.Builder b = d.toBuilder();
    b.getNamespaceInfoBuilder()
        .setCapabilities(
            NamespaceInfo.Capabilities.newBuilder()
                .setEagerWorkflowStart(true)
                .setSyncUpdate(true)
                .setAsyncUpdate(true)
                .setStandaloneActivities(true)
                .setStandaloneActivityStartDelay(true));
    return b.build();
  }

  /** The namespaces; with authentication on, only those the caller has a role in. */
  ListNamespacesResponse list(ListNamespacesRequest r) {
    ListNamespacesResponse.Builder b = ListNamespacesResponse.newBuilder();
    boolean deletedToo = r.getNamespaceFilter().getIncludeDeleted();
    Principal caller = AuthInterceptor.current();
    registry.list().stream()
        .filter(e -> deletedToo || e.description().getNamespaceInfo().getState()
            != NamespaceState.NAMESPACE_STATE_DELETED)
        .filter(e -> caller == null
            || caller.roleOn(e.description().getNamespaceInfo().getName()) != null)
        .forEach(e -> b.addNamespaces(withCapabilities(e.description())));
    return b.build();
  }

  UpdateNamespaceResponse update(UpdateNamespaceRequest r) {
    if (r.getNamespace().isEmpty()) {
      throw RequestValidator.invalid("Namespace not set on request.");
    }
    DescribeNamespaceResponse current = registry.byName(r.getNamespace()).description();
    DescribeNamespaceResponse.Builder d = current.toBuilder();
    if (r.hasUpdateInfo()) {
      var u = r.getUpdateInfo();
      var info = d.getNamespaceInfoBuilder();
      if (!u.getDescription().isEmpty()) info.setDescription(u.getDescription());
      if (!u.getOwnerEmail().isEmpty()) info.setOwnerEmail(u.getOwnerEmail());
      info.putAllData(u.getDataMap());
    }
    if (r.hasConfig()) {
      var c = r.getConfig();
      var config = d.getConfigBuilder();
      if (c.hasWorkflowExecutionRetentionTtl()) {
        RequestValidator.nonNegative(c.getWorkflowExecutionRetentionTtl(), "WorkflowExecutionRetentionTtl");
        checkRetention(
            Durations.toMillis(c.getWorkflowExecutionRetentionTtl()), "WorkflowExecutionRetentionTtl");
        config.setWorkflowExecutionRetentionTtl(c.getWorkflowExecutionRetentionTtl());
      }
    }
    try {
      var e = registry.update(r.getNamespace(), d.build());
      return UpdateNamespaceResponse.newBuilder()
          .setNamespaceInfo(withCapabilities(e.description()).getNamespaceInfo())
          .setConfig(e.description().getConfig())
          .setReplicationConfig(e.description().getReplicationConfig())
          .build();
    } catch (ConflictException e) {
      throw new EngineException(EngineException.Code.UNAVAILABLE, "namespace changed concurrently, please retry");
    }
  }
}
