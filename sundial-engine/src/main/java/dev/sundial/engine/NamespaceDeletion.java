package dev.sundial.engine;

import com.google.protobuf.ByteString;
import dev.sundial.engine.batch.BatchService;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.schedule.ScheduleService;
import io.temporal.api.batch.v1.BatchOperationDeletion;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteNamespace, as Temporal does it: the namespace is marked deleted and renamed at once (its
 * name is free again), then its resources are reclaimed in the background: its schedules are
 * deleted, and a batch job (durable, resumed after a restart) deletes every workflow in it,
 * terminating the running ones first.
 */
public final class NamespaceDeletion {
  private final NamespaceRegistry namespaces;
  private final BatchService batches;
  private final ScheduleService schedules;

  public NamespaceDeletion(NamespaceRegistry namespaces, BatchService batches, ScheduleService schedules) {
    this.namespaces = namespaces;
    this.batches = batches;
    this.schedules = schedules;
  }

  /** The namespace's new name; its workflows and schedules go after the answer. */
  public String delete(String name) {
    NamespaceRegistry.Entry deleted = namespaces.markDeleted(name);
    String id = deleted.id();
    batches.start(id, StartBatchOperationRequest.newBuilder()
        .setNamespace(deleted.name())
        .setJobId("namespace-deletion-" + id)
        .setVisibilityQuery("")
        .setReason("namespace " + name + " deleted")
        .setDeletionOperation(BatchOperationDeletion.newBuilder().setIdentity("sundial"))
        .build());
    deleteSchedules(id);
    return deleted.name();
  }

  private void deleteSchedules(String namespaceId) {
    List<CompletableFuture<Void>> deletions = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      var page = schedules.list(namespaceId, 1000, token, "").join();
      page.getSchedulesList().forEach(s -> deletions.add(schedules.delete(namespaceId, s.getScheduleId())));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new)).join();
  }
}
