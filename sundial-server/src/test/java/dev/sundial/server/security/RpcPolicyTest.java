package dev.sundial.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sundial.server.security.RpcPolicy.Access;
import dev.sundial.server.security.RpcPolicy.Rule;
import dev.sundial.server.security.RpcPolicy.Scope;
import io.grpc.MethodDescriptor;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpcPolicyTest {
  private static final String WF = "temporal.api.workflowservice.v1.WorkflowService/";
  private static final String OP = "temporal.api.operatorservice.v1.OperatorService/";

  private static Rule rule(String fullName) {
    return RpcPolicy.of(fullName);
  }

  @Test
  void readsWritesWorkerTrafficAndAdminCallsPerNamespace() {
    for (String m : List.of("GetWorkflowExecutionHistory", "DescribeWorkflowExecution",
        "ListWorkflowExecutions", "CountWorkflowExecutions", "QueryWorkflow", "DescribeSchedule",
        "ListSchedules", "DescribeBatchOperation", "PollWorkflowExecutionUpdate",
        "DescribeNamespace", "DescribeTaskQueue", "FetchWorkerConfig")) {
      assertThat(rule(WF + m)).as(m).isEqualTo(new Rule(Scope.NAMESPACE, Access.READ));
    }
    for (String m : List.of("StartWorkflowExecution", "SignalWorkflowExecution",
        "SignalWithStartWorkflowExecution", "RequestCancelWorkflowExecution",
        "TerminateWorkflowExecution", "ResetWorkflowExecution", "UpdateWorkflowExecution",
        "CreateSchedule", "PatchSchedule", "DeleteSchedule", "StartBatchOperation",
        "DeleteWorkflowExecution")) {
      assertThat(rule(WF + m)).as(m).isEqualTo(new Rule(Scope.NAMESPACE, Access.WRITE));
    }
    for (String m : List.of("PollWorkflowTaskQueue", "RespondWorkflowTaskCompleted",
        "PollActivityTaskQueue", "RecordActivityTaskHeartbeat", "RespondActivityTaskCompletedById",
        "RespondQueryTaskCompleted", "ShutdownWorker")) {
      assertThat(rule(WF + m)).as(m).isEqualTo(new Rule(Scope.NAMESPACE, Access.WORKER));
    }
    for (String m : List.of(WF + "RegisterNamespace", WF + "UpdateNamespace",
        OP + "DeleteNamespace", OP + "AddSearchAttributes", OP + "RemoveSearchAttributes")) {
      assertThat(rule(m)).as(m).isEqualTo(new Rule(Scope.NAMESPACE, Access.ADMIN));
    }
  }

  @Test
  void clusterCallsNeedASystemRoleExceptWhatASignedInCallerNeedsToFindItsWay() {
    assertThat(rule(WF + "GetSearchAttributes")).isEqualTo(new Rule(Scope.CLUSTER, Access.READ));
    assertThat(rule(OP + "ListClusters")).isEqualTo(new Rule(Scope.CLUSTER, Access.ADMIN));
    for (String m : List.of("GetClusterInfo", "ListNamespaces")) {
      assertThat(rule(WF + m)).as(m).isEqualTo(new Rule(Scope.AUTHENTICATED, Access.READ));
    }
    assertThat(rule("grpc.health.v1.Health/Check")).isEqualTo(new Rule(Scope.OPEN, Access.READ));
    assertThat(rule(WF + "GetSystemInfo")).isEqualTo(new Rule(Scope.OPEN, Access.READ));
    assertThat(rule("sundial.internal.v2.ClusterService/Call"))
        .isEqualTo(new Rule(Scope.CLUSTER, Access.ADMIN));
  }

  @Test
  void everyPublicRpcButGetSystemInfoHasARuleThatIsNotOpen() {
    List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
    methods.addAll(WorkflowServiceGrpc.getServiceDescriptor().getMethods());
    methods.addAll(OperatorServiceGrpc.getServiceDescriptor().getMethods());
    assertThat(methods).hasSizeGreaterThan(100);
    for (MethodDescriptor<?, ?> m : methods) {
      if (m.getBareMethodName().equals("GetSystemInfo")) continue;
      assertThat(rule(m.getFullMethodName()).scope()).as(m.getFullMethodName())
          .isNotEqualTo(Scope.OPEN);
    }
  }

  @Test
  void eachRoleGrantsTheAccessOfTheRolesBeforeIt() {
    assertThat(Role.READ.grants(Access.READ)).isTrue();
    assertThat(Role.READ.grants(Access.WORKER)).isFalse();
    assertThat(Role.WORKER.grants(Access.WORKER)).isTrue();
    assertThat(Role.WORKER.grants(Access.WRITE)).isFalse();
    assertThat(Role.WRITE.grants(Access.WORKER)).isTrue();
    assertThat(Role.WRITE.grants(Access.ADMIN)).isFalse();
    assertThat(Role.ADMIN.grants(Access.ADMIN)).isTrue();
    assertThat(Role.parse(" Worker ")).isEqualTo(Role.WORKER);
    assertThatThrownBy(() -> Role.parse("owner")).hasMessageContaining("read, worker, write or admin");
  }
}
