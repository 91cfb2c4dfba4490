package dev.sundial.server.security;

import java.util.Set;

/**
 * What each public RPC needs: the scope a caller's role is looked up in, and the kind of access.
 * Temporal's default authorizer is the reference (reads, writes and admin calls per namespace;
 * cluster-wide calls need a system role); Sundial differs where the issue asks it to: worker task
 * traffic is its own access kind (a worker role grants it without write), and the calls the UI
 * and CLI make to find their way (cluster info and the namespace list, which is filtered to the
 * caller's namespaces) need only a signed-in caller.
 */
public final class RpcPolicy {
  /** Where the role that allows a call is looked up. */
  public enum Scope {
    /** The role on the request's namespace (or a system role). */
    NAMESPACE,
    /** A system role. */
    CLUSTER,
    /** Any authenticated caller. */
    AUTHENTICATED,
    /** Anyone: health checks. */
    OPEN
  }

  /** What a call does, from the least to the most powerful. */
  public enum Access {
    READ,
    /** Worker task traffic: polls, task completions and failures, heartbeats. */
    WORKER,
    WRITE,
    ADMIN
  }

  /** The policy of one RPC. */
  public record Rule(Scope scope, Access access) {}

  private static final Set<String> WORKER_CALLS = Set.of(
      "PollWorkflowTaskQueue", "RespondWorkflowTaskCompleted", "RespondWorkflowTaskFailed",
      "PollActivityTaskQueue", "RecordActivityTaskHeartbeat", "RecordActivityTaskHeartbeatById",
      "RespondActivityTaskCompleted", "RespondActivityTaskCompletedById",
      "RespondActivityTaskFailed", "RespondActivityTaskFailedById",
      "RespondActivityTaskCanceled", "RespondActivityTaskCanceledById",
      "RespondQueryTaskCompleted", "ResetStickyTaskQueue", "ShutdownWorker",
      "PollNexusTaskQueue", "RespondNexusTaskCompleted", "RespondNexusTaskFailed",
      "RecordWorkerHeartbeat");

  private static final Set<String> ADMIN_CALLS = Set.of(
      "RegisterNamespace", "UpdateNamespace", "DeprecateNamespace", "DeleteNamespace",
      "AddSearchAttributes", "RemoveSearchAttributes", "AddOrUpdateRemoteCluster",
      "RemoveRemoteCluster", "ListClusters", "CreateNexusEndpoint", "UpdateNexusEndpoint",
      "DeleteNexusEndpoint", "GetNexusEndpoint", "ListNexusEndpoints");

  /** Cluster-wide calls that change or reveal the cluster's setup: a system role. */
  private static final Set<String> SYSTEM_CALLS = Set.of(
      "GetSearchAttributes", "AddOrUpdateRemoteCluster", "RemoveRemoteCluster", "ListClusters",
      "CreateNexusEndpoint", "UpdateNexusEndpoint", "DeleteNexusEndpoint", "GetNexusEndpoint",
      "ListNexusEndpoints");

  /** What a signed-in caller may always do: find its way (the namespace list is filtered). */
  private static final Set<String> SIGNED_IN_CALLS = Set.of("GetClusterInfo", "ListNamespaces");

  /** Polls that only wait for a result (not worker task traffic). */
  private static final Set<String> READ_POLLS = Set.of(
      "PollWorkflowExecutionUpdate", "PollActivityExecution", "PollNexusOperationExecution",
      "PollWorkflowExecutionTimeSkipping");

  private RpcPolicy() {}

  /**
   * The rule of an RPC by its full gRPC method name ({@code <service>/<Method>}). Health checks
   * and GetSystemInfo (what SDKs call first, as Temporal leaves it open) are open; a method of
   * another service needs the system admin role (reading the audit log: the system read role).
   */
  public static Rule of(String fullMethodName) {
    int slash = fullMethodName.lastIndexOf('/');
    String service = slash < 0 ? "" : fullMethodName.substring(0, slash);
    String method = fullMethodName.substring(slash + 1);
    if (service.equals("grpc.health.v1.Health")
        || fullMethodName.equals("temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo")) {
      return new Rule(Scope.OPEN, Access.READ);
    }
    if (fullMethodName.equals("sundial.admin.v1.AdminService/ListAuditRecords")) {
      return new Rule(Scope.CLUSTER, Access.READ); // auditors read without administering
    }
    if (!service.equals("temporal.api.workflowservice.v1.WorkflowService")
        && !service.equals("temporal.api.operatorservice.v1.OperatorService")) {
      return new Rule(Scope.CLUSTER, Access.ADMIN);
    }
    if (SIGNED_IN_CALLS.contains(method)) {
      return new Rule(Scope.AUTHENTICATED, Access.READ);
    }
    Scope scope = SYSTEM_CALLS.contains(method) ? Scope.CLUSTER : Scope.NAMESPACE;
    return new Rule(scope, access(method));
  }

  private static Access access(String method) {
    if (ADMIN_CALLS.contains(method)) return Access.ADMIN;
    if (WORKER_CALLS.contains(method)) return Access.WORKER;
    if (READ_POLLS.contains(method)) return Access.READ;
    for (String prefix : new String[] {"Get", "Describe", "List", "Count", "Scan", "Query", "Fetch"}) {
      if (method.startsWith(prefix)) return Access.READ;
    }
    return Access.WRITE;
  }
}
