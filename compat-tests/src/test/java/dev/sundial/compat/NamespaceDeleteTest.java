package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.server.Sundial;
import io.grpc.Status;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.NamespaceState;
import io.temporal.api.namespace.v1.NamespaceFilter;
import io.temporal.api.operatorservice.v1.DeleteNamespaceRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.ScheduleAction;
import io.temporal.api.schedule.v1.ScheduleSpec;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.NewWorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CreateScheduleRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.ListNamespacesRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeleteNamespace (what {@code temporal operator namespace delete} calls): the namespace is
 * renamed "-deleted-" and refused at once, its name can be registered again, and its workflows
 * (running ones terminated first) and schedules are removed from the database afterwards.
 */
class NamespaceDeleteTest {
  @TempDir Path dir;

  private static long count(Path db, String table, String namespaceId) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE namespace_id = ?")) {
      ps.setString(1, namespaceId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static StartWorkflowExecutionRequest start(String ns, String id) {
    return StartWorkflowExecutionRequest.newBuilder().setNamespace(ns).setWorkflowId(id).setRequestId(id)
        .setWorkflowType(WorkflowType.newBuilder().setName("T"))
        .setTaskQueue(TaskQueue.newBuilder().setName("nobody")).build();
  }

  @Test
  void aDeletedNamespaceIsRenamedRefusedAndReclaimed() throws Exception {
    Path db = dir.resolve("s.db");
    try (Sundial sundial = Sundial.builder().dbFile(db).start()) {
      var stub = sundial.newWorkflowServiceStubs().blockingStub();
      var operator = OperatorServiceGrpc.newBlockingStub(sundial.newInProcessChannel());
      stub.registerNamespace(RegisterNamespaceRequest.newBuilder().setNamespace("doomed")
          .setWorkflowExecutionRetentionPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(86_400)).build());
      String id = stub.describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace("doomed").build())
          .getNamespaceInfo().getId();
      for (int i = 0; i < 3; i++) {
        stub.startWorkflowExecution(start("doomed", "w-" + i));
      }
      stub.createSchedule(CreateScheduleRequest.newBuilder().setNamespace("doomed").setScheduleId("s-1")
          .setRequestId("r").setSchedule(Schedule.newBuilder()
              .setSpec(ScheduleSpec.newBuilder().addCronString("0 0 1 1 *"))
              .setAction(ScheduleAction.newBuilder().setStartWorkflow(NewWorkflowExecutionInfo.newBuilder()
                  .setWorkflowId("sw").setWorkflowType(WorkflowType.newBuilder().setName("T"))
                  .setTaskQueue(TaskQueue.newBuilder().setName("nobody"))))).build());
      assertThat(count(db, "executions", id)).isEqualTo(3);

      String deleted = operator.deleteNamespace(DeleteNamespaceRequest.newBuilder().setNamespace("doomed").build())
          .getDeletedNamespace();
      assertThat(deleted).startsWith("doomed-deleted-");

      // The old name is gone; the new one describes as DELETED and refuses everything else.
      assertThat(CompatServer.expectStatus(() -> stub.describeNamespace(
          DescribeNamespaceRequest.newBuilder().setNamespace("doomed").build())).getStatus().getCode())
          .isEqualTo(Status.Code.NOT_FOUND);
      assertThat(stub.describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(deleted).build())
          .getNamespaceInfo().getState()).isEqualTo(NamespaceState.NAMESPACE_STATE_DELETED);
      var refused = CompatServer.expectStatus(() -> stub.startWorkflowExecution(start(deleted, "late")));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(refused.getStatus().getDescription()).contains("Deleted");
      var listed = stub.listNamespaces(ListNamespacesRequest.getDefaultInstance()).getNamespacesList();
      assertThat(listed).noneMatch(n -> n.getNamespaceInfo().getName().equals(deleted));
      var withDeleted = stub.listNamespaces(ListNamespacesRequest.newBuilder()
          .setNamespaceFilter(NamespaceFilter.newBuilder().setIncludeDeleted(true)).build()).getNamespacesList();
      assertThat(withDeleted).anyMatch(n -> n.getNamespaceInfo().getName().equals(deleted));

      // The name is free again, as a new namespace.
      stub.registerNamespace(RegisterNamespaceRequest.newBuilder().setNamespace("doomed")
          .setWorkflowExecutionRetentionPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(86_400)).build());
      assertThat(stub.describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace("doomed").build())
          .getNamespaceInfo().getId()).isNotEqualTo(id);

      CompatServer.await(Duration.ofSeconds(30), "the deleted namespace's workflows to be reclaimed",
          () -> {
            try {
              return count(db, "executions", id) == 0;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      assertThat(count(db, "schedules", id)).isZero();

      var defaultRefused = CompatServer.expectStatus(() -> operator.deleteNamespace(
          DeleteNamespaceRequest.newBuilder().setNamespace("default").build()));
      assertThat(defaultRefused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
  }
}
