package dev.sundial.examples.chat;

import com.google.protobuf.util.Durations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The tenants: each is a Sundial namespace (registered if missing) with its own client and
 * worker, so one tenant's sessions, messages and workflows are invisible to another. The
 * connection is the one Temporal's Spring Boot starter made.
 */
@Component
public class Tenants implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(Tenants.class);

  private final WorkflowServiceStubs stubs;
  private final ChatSettings settings;
  private final ChatActivities chatActivities;
  private final ModelActivities modelActivities;
  private final Map<String, WorkflowClient> clients = new LinkedHashMap<>();
  private final Map<String, WorkerFactory> workers = new LinkedHashMap<>();
  private volatile boolean running;

  public Tenants(WorkflowServiceStubs stubs, ChatSettings settings, ChatActivities chatActivities,
      ModelActivities modelActivities) {
    this.stubs = stubs;
    this.settings = settings;
    this.chatActivities = chatActivities;
    this.modelActivities = modelActivities;
  }

  /** The tenant's client; null for a tenant this service does not serve. */
  public WorkflowClient client(String tenant) {
    return clients.get(tenant);
  }

  public Iterable<String> names() {
    return clients.keySet();
  }

  @Override
  public void start() {
    for (String tenant : settings.tenants()) {
      ensureNamespace(tenant);
      WorkflowClient client = WorkflowClient.newInstance(stubs,
          WorkflowClientOptions.newBuilder().setNamespace(tenant).build());
      WorkerFactory factory = WorkerFactory.newInstance(client);
      Worker worker = factory.newWorker(settings.taskQueue());
      worker.registerWorkflowImplementationTypes(ChatSessionWorkflowImpl.class,
          ChatMessageWorkflowImpl.class, CleanupWorkflowImpl.class);
      worker.registerActivitiesImplementations(chatActivities, modelActivities);
      factory.start();
      clients.put(tenant, client);
      workers.put(tenant, factory);
      log.info("Serving tenant '{}' (namespace {}, task queue {})", tenant, tenant, settings.taskQueue());
    }
    running = true;
  }

  private void ensureNamespace(String namespace) {
    try {
      stubs.blockingStub().describeNamespace(
          DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) throw e;
      stubs.blockingStub().registerNamespace(RegisterNamespaceRequest.newBuilder()
          .setNamespace(namespace)
          .setWorkflowExecutionRetentionPeriod(Durations.fromDays(7))
          .build());
      log.info("Registered the namespace '{}'", namespace);
    }
  }

  @Override
  public void stop() {
    workers.values().forEach(WorkerFactory::shutdown);
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
