package dev.sundial.server;

import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.metrics.EngineMetrics;
import dev.sundial.persistence.postgres.PostgresConfig;
import dev.sundial.server.frontend.VisibilityAdmission;
import dev.sundial.server.logging.LogLevels;
import dev.sundial.server.security.AuthConfig;
import dev.sundial.server.security.InternodeTls;
import dev.sundial.server.security.TlsConfig;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Sundial embedded in a JVM: {@code Sundial.builder().dbFile(path).start()}. Clients use
 * {@link #newWorkflowServiceStubs()} (an in-process channel, no sockets), or the gRPC port when one
 * was requested.
 */
public final class Sundial implements AutoCloseable {

  /** Idle gRPC/HTTP connections are closed after this long (see Builder#connectionIdleTimeout). */
  public static final Duration DEFAULT_CONNECTION_IDLE_TIMEOUT = Duration.ofMinutes(2);
  /** Connections kept open at once over all listeners (see Builder#maxConnections). */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** Calls a single gRPC connection may have in flight at once. */
  public static final int MAX_CONCURRENT_CALLS_PER_CONNECTION = 1000;

  public static Builder builder() {
    return new Builder();
  }

  /** Options for an embedded or standalone Sundial. */
  public static final class Builder {
    Path dbFile;
    boolean inMemory;
    String grpcHost = "127.0.0.1";
    int grpcPort = -1; // -1: no socket, in-process only; 0: ephemeral
    final List<String> namespaces = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    int shards = 16;
    Duration minRetention; // null: Temporal's minimum (or -Dsundial.minRetention)
    StoreOptions store; // null: a private in-memory SQLite database
    boolean migrate = true;
    // Cluster identity, read by the clustering code; null: not set (standalone/embedded).
    String nodeId;
    String advertiseAddress;
    // HTTP listeners (-1: off). The UI port serves the web UI and /api/v1; the HTTP port serves
    // Temporal's HTTP API at its primary paths (and /api/v1).
    String httpHost = "127.0.0.1";
    int httpPort = -1;
    String uiHost = "127.0.0.1";
    int uiPort = -1;
    String metricsHost = "127.0.0.1";
    int metricsPort = -1; // -1: no /metrics listener
    MeterRegistry meterRegistry; // null: Sundial's own (when metricsPort is set) or none
    EngineMetrics.Limits metricLimits = EngineMetrics.Limits.defaults();
    LogLevels logLevels; // null: the application manages logging
    final Set<String> httpAllowedHosts = new LinkedHashSet<>();
    Duration connectionIdleTimeout = DEFAULT_CONNECTION_IDLE_TIMEOUT;
    Duration requestArrivalTimeout = Duration.ofSeconds(30);
    int maxConnections = DEFAULT_MAX_CONNECTIONS;
    EngineContext.Limits limits =
        EngineContext.Limits.defaults();
    VisibilityAdmission.Limits visibilityLimits =
        VisibilityAdmission.Limits.defaults();
    TlsConfig tls; // null: plaintext
    AuthConfig auth; // null: authentication off
    InternodeTls internodeTls; // null: node-to-node calls in plaintext
    boolean auditWorkerCalls;
    Duration auditRetention = Duration.ofDays(90); // null: forever
    Duration tlsReloadEvery = Duration.ofSeconds(10);
    boolean allowInsecure;

    /**
     * TLS on the gRPC, HTTP API and UI listeners (and mTLS when the config names a client CA).
     * The files are read again when they change, checked every 10 s.
     */
    public Builder tls(TlsConfig tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Authentication and authorization of every call (gRPC, HTTP API, UI; see
     * {@code security.AuthInterceptor}); null (the default) turns it off. Calls the embedding
     * application makes through {@link Sundial#newWorkflowServiceStubs()} are always trusted.
     */
    public Builder auth(AuthConfig auth) {
      this.auth = auth;
      return this;
    }

    /**
     * TLS for the calls cluster nodes make to each other (required on a PostgreSQL node with
     * {@link #tls}): the CA of the nodes' certificates; each node presents its own certificate.
     */
    public Builder internodeTls(InternodeTls internodeTls) {
      this.internodeTls = internodeTls;
      return this;
    }

    /** Record worker task traffic (polls, task completions, heartbeats) in the audit log too. */
    public Builder auditWorkerCalls(boolean record) {
      this.auditWorkerCalls = record;
      return this;
    }

    /** How long audit records are kept (default 90 days; null: forever). */
    public Builder auditRetention(Duration retention) {
      if (retention != null && (retention.isNegative() || retention.isZero())) {
        throw new IllegalArgumentException("auditRetention must be positive");
      }
      this.auditRetention = retention;
      return this;
    }

    /** How often the TLS files are checked for a change (tests use a short period). */
    public Builder tlsReloadEvery(Duration every) {
      if (every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("tlsReloadEvery must be positive");
      }
      this.tlsReloadEvery = every;
      return this;
    }

    /**
     * Listen beyond loopback without TLS and authentication. Without it such a server refuses to
     * start (see {@code security.Exposure}).
     */
    public Builder allowInsecure(boolean allow) {
      this.allowInsecure = allow;
      return this;
    }

    /** The SQLite file (created with its directory when missing). */
    public Builder dbFile(Path dbFile) {
      this.dbFile = dbFile;
      this.inMemory = false;
      this.store = dbFile == null ? null : StoreOptions.sqlite(dbFile);
      return this;
    }

    /** A private in-memory SQLite database, gone when Sundial closes. For tests. */
    public Builder inMemory() {
      this.inMemory = true;
      this.dbFile = null;
      this.store = StoreOptions.sqliteInMemory();
      return this;
    }

    /** A PostgreSQL database instead of SQLite (the store several cluster nodes share). */
    public Builder postgres(PostgresConfig config) {
      return store(StoreOptions.postgres(config));
    }

    /** The database, as parsed from a URL by {@link StoreOptions#parse} or built directly. */
    public Builder store(StoreOptions store) {
      this.store = Objects.requireNonNull(store, "store");
      this.dbFile = store.kind() == StoreOptions.Kind.SQLITE_FILE ? store.file() : null;
      this.inMemory = store.kind() == StoreOptions.Kind.SQLITE_MEMORY;
      return this;
    }

    /**
     * Whether to apply pending schema migrations at start (default true). With false, a database
     * that is not at the current schema version is refused: run {@code sundial db migrate} first.
     */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /** This node's id in a cluster (unique among the nodes sharing one database). */
    public Builder nodeId(String nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    /** host:port at which the other nodes of a cluster reach this node's gRPC port. */
    public Builder advertiseAddress(String advertiseAddress) {
      this.advertiseAddress = advertiseAddress;
      return this;
    }

    /** The database this builder selects (in-memory SQLite when none was chosen). */
    StoreOptions storeOptions() {
      return store != null ? store : StoreOptions.sqliteInMemory();
    }

    /** Also listen for gRPC on host:port (port 0 picks a free port). */
    public Builder grpc(String host, int port) {
      this.grpcHost = host;
      this.grpcPort = port;
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }

    /** Serve Temporal's HTTP/JSON API on host:port (port 0 picks a free port). Off by default. */
    public Builder httpApi(String host, int port) {
      this.httpHost = host;
      this.httpPort = port;
      return this;
    }

    /**
     * Serve the web UI, and the HTTP API under {@code /api/v1}, on host:port (port 0 picks a free
     * port). Off by default.
     */
    public Builder ui(String host, int port) {
      this.uiHost = host;
      this.uiPort = port;
      return this;
    }

    /**
     * Serve {@code /metrics} (Prometheus text format, Temporal's metric names), {@code /health}
     * and {@code /ready} on host:port (port 0 picks a free port). Off by default.
     */
    public Builder metrics(String host, int port) {
      this.metricsHost = host;
      this.metricsPort = port;
      return this;
    }

    /**
     * Record Sundial's metrics in the application's registry (then also read by {@link
     * #metrics}, if set). Without it, Sundial measures only when {@link #metrics} is set.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Lets administrators change log levels at run time (admin API SetLogLevel, HTTP {@code PUT
     * /api/v1/sundial/log-level}); without it those calls answer UNIMPLEMENTED.
     */
    public Builder logLevels(LogLevels levels) {
      this.logLevels = levels;
      return this;
    }

    /**
     * How many distinct task queues and workflow types get a label value of their own in the
     * metrics (default 200 each); the others are counted under {@code _other}.
     */
    public Builder metricLabelLimits(int taskQueues, int workflowTypes) {
      if (taskQueues < 0 || workflowTypes < 0) {
        throw new IllegalArgumentException("label limits must not be negative");
      }
      this.metricLimits = new EngineMetrics.Limits(taskQueues, workflowTypes);
      return this;
    }

    /**
     * Host names (besides loopback and the bound address) that HTTP requests may name in their
     * Host header; a request naming another host is refused (guards against DNS rebinding).
     */
    public Builder httpAllowedHost(String host) {
      this.httpAllowedHosts.add(host);
      return this;
    }

    /**
     * How long a gRPC or HTTP connection with no call in flight is kept open (default 2 minutes;
     * clients reconnect when they need to). Bounds what idle and half-open connections cost.
     */
    public Builder connectionIdleTimeout(Duration timeout) {
      this.connectionIdleTimeout = positive(timeout, "connectionIdleTimeout");
      return this;
    }

    /**
     * The most gRPC and HTTP connections open at once, over all listeners (default 10,000); a
     * connection accepted past it is closed at once (clients retry). Keep it under the process's
     * file descriptor limit ({@code ulimit -n}).
     */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1, was " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * How long a call may wait for its request message after its headers before it is closed
     * with DEADLINE_EXCEEDED (default 30 s), so a client that opens calls and sends nothing
     * holds nothing for long.
     */
    public Builder requestArrivalTimeout(Duration timeout) {
      this.requestArrivalTimeout = positive(timeout, "requestArrivalTimeout");
      return this;
    }

    /**
     * Bounds on visibility queries (list, count, scan): per namespace, {@code perSecond} with
     * bursts up to {@code burst}; at most {@code concurrent} at once across namespaces (a query
     * waits up to 2 s for a slot). Over either: RESOURCE_EXHAUSTED, which SDKs retry. Defaults:
     * 1,000/s, burst 2,000 (a backstop; the concurrency bound does most of the work), one per
     * core (at least 2).
     */
    public Builder visibilityLimits(double perSecond, int burst, int concurrent) {
      if (perSecond <= 0 || burst < 1 || concurrent < 1) {
        throw new IllegalArgumentException("visibility limits must be positive");
      }
      this.visibilityLimits =
          new VisibilityAdmission.Limits(perSecond, burst, concurrent, 2_000);
      return this;
    }

    /**
     * History limits: a running workflow whose history passes {@code maxEvents} events or {@code
     * maxBytes} is terminated (defaults: Temporal's 51,200 and 50 MB). For tests and small
     * deployments; the warning thresholds stay at a fifth of each.
     */
    public Builder historyLimits(int maxEvents, long maxBytes) {
      if (maxEvents < 10 || maxBytes < 1024) {
        throw new IllegalArgumentException("history limits must be at least 10 events and 1 KB");
      }
      var d = limits;
      this.limits = new EngineContext.Limits(d.maxPayloadBytes(),
          d.maxPendingActivities(), maxEvents, maxBytes, maxEvents / 5, maxBytes / 5,
          d.longPollMillis());
      return this;
    }

    /** Namespaces created at start when missing ({@code default} always exists). */
    public Builder namespace(String name) {
      this.namespaces.add(name);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * The smallest namespace retention RegisterNamespace / UpdateNamespace accept. Temporal's
     * minimum (one hour for a local namespace) by default, or the {@code sundial.minRetention}
     * system property; tests lower it (e.g. to 1 s) to watch closed executions being deleted.
     */
    public Builder minRetention(Duration minRetention) {
      this.minRetention = minRetention;
      return this;
    }

    public Builder shards(int shards) {
      this.shards = shards;
      return this;
    }

    public Sundial start() {
      return SundialBootstrap.start(this);
    }
  }

  private final SundialBootstrap.Running running;

  Sundial(SundialBootstrap.Running running) {
    this.running = running;
  }

  /** A new in-process channel to this server; the caller closes it. */
  public ManagedChannel newInProcessChannel() {
    return running.newInProcessChannel();
  }

  /** Service stubs over a new in-process channel (closed when Sundial closes). */
  public WorkflowServiceStubs newWorkflowServiceStubs() {
    return running.newWorkflowServiceStubs();
  }

  /** The bound gRPC port, or -1 when only in-process access was requested. */
  public int grpcPort() {
    return running.grpcPort();
  }

  /** The bound HTTP API port, or -1 when it is off. */
  public int httpPort() {
    return running.httpPort();
  }

  /** The bound web UI port, or -1 when it is off. */
  public int uiPort() {
    return running.uiPort();
  }

  /** The port serving /metrics, or -1 when it is off. */
  public int metricsPort() {
    return running.metricsPort();
  }

  /** Whether this build carries the web UI's files (else the UI port says how to build them). */
  public boolean uiBuilt() {
    return running.uiBuilt();
  }

  /** host:port of the gRPC listener, or null when there is none. */
  public String grpcTarget() {
    return grpcPort() < 0 ? null : running.grpcHost() + ":" + grpcPort();
  }

  /**
   * Where the data lives: the SQLite file path, ":memory:", or the PostgreSQL URL without its
   * password.
   */
  public String dataLocation() {
    return running.dataLocation();
  }

  /** Stops accepting calls, finishes in-flight commits and closes the store. */
  @Override
  public void close() {
    running.close();
  }
}
