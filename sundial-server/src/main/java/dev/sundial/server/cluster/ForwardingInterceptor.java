package dev.sundial.server.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.sundial.engine.Engine;
import dev.sundial.engine.history.TaskToken;
import dev.sundial.server.rpc.RequestFields;
import dev.sundial.server.security.AuthInterceptor;
import dev.sundial.server.security.OriginHeader;
import dev.sundial.server.security.Principal;
import dev.sundial.server.security.PrincipalHeader;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a public API call to the node that serves it: calls about one workflow (or schedule or
 * batch job) to the owner of its shard, task-queue polls to the owner of the queue's matching
 * partition, task responses to the owner named by their task token. The call is relayed as is,
 * so the caller sees the owner's answer, status and error details unchanged. A relayed call is
 * marked and never relayed again; a call whose owner is unknown is handled here (and answered
 * UNAVAILABLE by the engine, which SDKs retry). A poll whose owner fails mid-way answers empty, so
 * the worker polls again and reaches the new owner; the task itself stays in the durable backlog.
 * With authentication on, a call is authorized here, and the owner receives its principal (trusted
 * on the cluster's secret) instead of its credentials.
 */
public final class ForwardingInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(ForwardingInterceptor.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> FORWARDED =
      Metadata.Key.of("sundial-forwarded-by", Metadata.ASCII_STRING_MARSHALLER);

  private enum By { WORKFLOW, TOKEN, QUEUE }

  /** Which request field names the routing key. */
  private record Route(By by, String path, boolean poll) {}

  private static final Map<String, Route> ROUTES = Map.ofEntries(
      wf("StartWorkflowExecution", "workflow_id"),
      wf("SignalWithStartWorkflowExecution", "workflow_id"),
      wf("SignalWorkflowExecution", "workflow_execution.workflow_id"),
      wf("RequestCancelWorkflowExecution", "workflow_execution.workflow_id"),
      wf("TerminateWorkflowExecution", "workflow_execution.workflow_id"),
      wf("DeleteWorkflowExecution", "workflow_execution.workflow_id"),
      wf("DescribeWorkflowExecution", "execution.workflow_id"),
      wf("GetWorkflowExecutionHistory", "execution.workflow_id"),
      wf("GetWorkflowExecutionHistoryReverse", "execution.workflow_id"),
      wf("QueryWorkflow", "execution.workflow_id"),
      wf("UpdateWorkflowExecution", "workflow_execution.workflow_id"),
      wf("PollWorkflowExecutionUpdate", "update_ref.workflow_execution.workflow_id"),
      wf("ResetWorkflowExecution", "workflow_execution.workflow_id"),
      wf("ResetStickyTaskQueue", "execution.workflow_id"),
      wf("RecordActivityTaskHeartbeatById", "workflow_id"),
      wf("RespondActivityTaskCompletedById", "workflow_id"),
      wf("RespondActivityTaskFailedById", "workflow_id"),
      wf("RespondActivityTaskCanceledById", "workflow_id"),
      wf("ExecuteMultiOperation", "operations.start_workflow.workflow_id"),
      // Schedules and batch jobs live on the shard their id hashes to, like a workflow.
      wf("CreateSchedule", "schedule_id"),
      wf("DescribeSchedule", "schedule_id"),
      wf("UpdateSchedule", "schedule_id"),
      wf("PatchSchedule", "schedule_id"),
      wf("DeleteSchedule", "schedule_id"),
      wf("ListScheduleMatchingTimes", "schedule_id"),
      wf("StartBatchOperation", "job_id"),
      wf("DescribeBatchOperation", "job_id"),
      wf("StopBatchOperation", "job_id"),
      token("RespondWorkflowTaskCompleted"),
      token("RespondWorkflowTaskFailed"),
      token("RecordActivityTaskHeartbeat"),
      token("RespondActivityTaskCompleted"),
      token("RespondActivityTaskFailed"),
      token("RespondActivityTaskCanceled"),
      token("RespondQueryTaskCompleted"),
      Map.entry("PollWorkflowTaskQueue", new Route(By.QUEUE, "task_queue.name", true)),
      Map.entry("PollActivityTaskQueue", new Route(By.QUEUE, "task_queue.name", true)),
      Map.entry("DescribeTaskQueue", new Route(By.QUEUE, "task_queue.name", false)),
      Map.entry("ShutdownWorker", new Route(By.QUEUE, "sticky_task_queue", false)));

  private static Map.Entry<String, Route> wf(String method, String path) {
    return Map.entry(method, new Route(By.WORKFLOW, path, false));
  }

  private static Map.Entry<String, Route> token(String method) {
    return Map.entry(method, new Route(By.TOKEN, "task_token", false));
  }

  private final Engine engine;
  private final GrpcClusterLink link;
  private final String self;
  /** Polls relayed right now; one whose partition changes owner is abandoned (answered empty). */
  private final Set<Deferred<?, ?>> relayedPolls =
      ConcurrentHashMap.newKeySet();

  public ForwardingInterceptor(Engine engine, GrpcClusterLink link, String selfAddress,
      ScheduledExecutorService scheduler) {
    this.engine = engine;
    this.link = link;
    this.self = selfAddress;
    scheduler.scheduleWithFixedDelay(this::abandonMovedPolls, 500, 500, TimeUnit.MILLISECONDS);
  }

  /**
   * A relayed poll waits on the node that owned the queue's partition when it started. If the
   * partition moved since (its owner died, froze, or handed it over), the poll is answered empty
   * so the worker polls again at the new owner instead of waiting out its long-poll deadline.
   */
  private void abandonMovedPolls() {
    for (Deferred<?, ?> d : relayedPolls) {
      String now = engine.ownership().ownerAddress(d.shard);
      if (!d.owner.equals(now)) {
        d.abandon();
      }
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Route route = ROUTES.get(call.getMethodDescriptor().getBareMethodName());
    if (route == null || headers.containsKey(FORWARDED) || engine.ownership() == null) {
      return next.startCall(call, headers);
    }
    return new Deferred<>(call, headers, next, route);
  }

  /**
   * Holds the call until its request arrives, then either starts the local handler and replays
   * what it missed, or relays the call to the owner.
   */
  private final class Deferred<Q, R> extends ForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private final Metadata headers;
    private final ServerCallHandler<Q, R> next;
    private final Route route;
    private ServerCall.Listener<Q> local;
    private Q request;
    private volatile String owner;
    private volatile int shard;
    private volatile ClientCall<Q, R> relay;
    private volatile boolean abandoned;

    Deferred(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next, Route route) {
      this.call = call;
      this.headers = headers;
      this.next = next;
      this.route = route;
      call.request(1);
    }

    @Override
    protected ServerCall.Listener<Q> delegate() {
      return local;
    }

    @Override
    public void onMessage(Q message) {
      if (local != null) {
        local.onMessage(message);
        return;
      }
      request = message;
      owner = ownerOf(message);
      if (owner == null) {
        local = next.startCall(call, headers);
        local.onMessage(message);
      }
    }

    @Override
    public void onHalfClose() {
      if (local != null) {
        local.onHalfClose();
      } else if (request != null) {
        relay();
      }
    }

    @Override
    public void onCancel() {
      if (local != null) {
        local.onCancel();
      } else if (relay != null) {
        relay.cancel("caller cancelled", null);
      }
    }

    @Override
    public void onComplete() {
      if (local != null) local.onComplete();
    }

    @Override
    public void onReady() {
      if (local != null) local.onReady();
    }

    private String ownerOf(Q message) {
      try {
        Message m = (Message) message;
        String ns = (String) RequestFields.field(m, "namespace");
        String key = route.by() == By.TOKEN ? null : (String) RequestFields.field(m, route.path());
        int shard;
        switch (route.by()) {
          case WORKFLOW -> {
            if (ns == null || ns.isEmpty() || key == null || key.isEmpty()) return null;
            shard = engine.shardIndex(engine.namespaces().byName(ns).id(), key);
          }
          case QUEUE -> {
            if (ns == null || ns.isEmpty() || key == null || key.isEmpty()) return null;
            shard = engine.partitionOf(engine.namespaces().byName(ns).id(), key);
          }
          default -> {
            Object raw = RequestFields.field(m, route.path());
            if (!(raw instanceof ByteString b) || b.isEmpty()) return null;
            TaskToken t = TaskToken.decodeAny(b);
            if (t == null) return null;
            shard = engine.shardIndex(t.namespaceId(), t.workflowId());
          }
        }
        if (engine.ownsShard(shard)) return null;
        this.shard = shard;
        String address = engine.ownership().ownerAddress(shard);
        return address == null || address.equals(self) || address.startsWith("unreachable:")
            ? null : address;
      } catch (RuntimeException e) {
        return null; // malformed: the local handler gives the proper error
      }
    }

    /** Ends a relayed poll whose partition moved: the worker gets an empty answer. */
    void abandon() {
      abandoned = true;
      ClientCall<Q, R> r = relay;
      if (r != null) {
        r.cancel("the task queue partition moved to another node", null);
      }
    }

    private void relay() {
      MethodDescriptor<Q, R> method = call.getMethodDescriptor();
      CallOptions options = CallOptions.DEFAULT;
      Deadline deadline = Context.current().getDeadline();
      if (deadline != null) {
        options = options.withDeadline(deadline);
      } else {
        options = options.withDeadlineAfter(route.poll() ? 90 : 60, TimeUnit.SECONDS);
      }
      relay = link.channel(owner).newCall(method, options);
      Metadata out = new Metadata();
      out.merge(headers);
      out.put(FORWARDED, self);
      // Audited here, where it was received: the owner does not record it again.
      OriginHeader.attach(out, new OriginHeader.Origin("relay", self, true), link.secret());
      Principal principal = AuthInterceptor.current();
      if (principal != null) {
        // Authorized here; the owner trusts the principal on the cluster's secret.
        out.removeAll(AUTHORIZATION);
        PrincipalHeader.attach(out, principal, true, link.secret());
      }
      relay.start(new ClientCall.Listener<>() {
        private R response;

        @Override
        public void onMessage(R message) {
          response = message;
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          relayedPolls.remove(Deferred.this);
          if (status.isOk() && response != null) {
            call.sendHeaders(new Metadata());
            call.sendMessage(response);
            call.close(Status.OK, new Metadata());
          } else if (route.poll() && (abandoned || status.getCode() != Status.Code.CANCELLED)) {
            // The queue's owner went away mid-poll: an empty answer makes the worker poll again.
            log.debug("poll relayed to {} ended with {}; answering empty", owner, status);
            @SuppressWarnings("unchecked")
            R empty = (R) ((MethodDescriptor.PrototypeMarshaller<?>) method.getResponseMarshaller())
                .getMessagePrototype();
            call.sendHeaders(new Metadata());
            call.sendMessage(empty);
            call.close(Status.OK, new Metadata());
          } else {
            call.close(status, trailers);
          }
        }
      }, out);
      if (route.poll()) {
        relayedPolls.add(this);
      }
      relay.request(1);
      relay.sendMessage(request);
      relay.halfClose();
    }
  }
}
