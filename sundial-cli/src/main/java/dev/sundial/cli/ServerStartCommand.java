package dev.sundial.cli;

import dev.sundial.cli.SettingSources.Setting;
import dev.sundial.cli.common.Commands;
import dev.sundial.engine.metrics.EngineMetrics;
import dev.sundial.server.StoreOptions;
import dev.sundial.server.Sundial;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code sundial server start}: a standalone server on a SQLite file (default) or PostgreSQL. The
 * flags follow {@code temporal server start-dev} where they apply. Runs until SIGTERM or Ctrl-C,
 * then closes cleanly.
 */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Start a Sundial server (gRPC frontend; SQLite or PostgreSQL storage) and run until stopped.",
      "Settings come from flags, then SUNDIAL_DB / SUNDIAL_DB_PASSWORD /"
          + " SUNDIAL_DB_PASSWORD_FILE, then the --config file, then the defaults."
    })
class ServerStartCommand implements Callable<Integer> {

  static final String DEFAULT_NAMESPACE = "default";
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,200}");

  @Spec CommandSpec spec;

  @Option(
      names = "--ip",
      paramLabel = "<address>",
      description = "IP address to bind the gRPC frontend to. Default: 127.0.0.1.")
  String ip;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "<port>",
      description = "Port of the gRPC frontend (0 picks a free port). Default: 7233.")
  String port;

  @Option(
      names = "--ui-port",
      paramLabel = "<port>",
      description =
          "Port of the web UI and of the HTTP API under /api/v1. Default: --port + 1000.")
  String uiPort;

  @Option(
      names = "--http-port",
      paramLabel = "<port>",
      description =
          "Port of Temporal's HTTP/JSON API (-1 turns it off). Default: --port + 10.")
  String httpPort;

  @Option(names = "--headless", description = "Do not serve the web UI (the HTTP port still serves).")
  boolean headless;

  @Option(
      names = "--http-allowed-hosts",
      paramLabel = "<host>",
      split = ",",
      description =
          "Host names HTTP requests (UI and HTTP API) may address besides loopback and --ip;"
              + " others are refused (DNS rebinding). Any host is allowed on a wildcard --ip"
              + " unless this is given.")
  List<String> httpAllowedHosts = new ArrayList<>();

  @Option(
      names = "--max-connections",
      paramLabel = "<n>",
      description =
          "Most gRPC and HTTP connections open at once; more are closed as they arrive."
              + " Default: 10000.")
  String maxConnections;

  @Mixin DatabaseOptions database = new DatabaseOptions();

  @Mixin SecurityOptions security = new SecurityOptions();

  @Option(
      names = "--search-attribute",
      paramLabel = "<name=type>",
      description =
          "A search attribute registered in every namespace at start (Text, Keyword, Int, Double,"
              + " Bool, Datetime, KeywordList); repeatable.")
  List<String> searchAttributes = new ArrayList<>();

  @Option(names = "--ui-ip", paramLabel = "<address>", description = "Address the web UI binds to. Default: --ip.")
  String uiIp;

  @Option(names = "--log-format", paramLabel = "<format>", description = "Log lines as text or json. Default: text.")
  String logFormat = "text";

  @Option(
      names = "--dynamic-config-value",
      paramLabel = "<key=json>",
      description =
          "A Temporal dynamic config value; Sundial understands limit.historyCount.error and"
              + " limit.historySize.error and warns about any other key; repeatable.")
  List<String> dynamicConfig = new ArrayList<>();

  @Option(
      names = "--metrics-port",
      paramLabel = "<port>",
      description =
          "Port of /metrics (Prometheus, Temporal's metric names), /health and /ready (-1 turns"
              + " it off). Default: --port + 2000.")
  String metricsPort;

  @Option(
      names = "--metrics-label-limit",
      paramLabel = "<n>",
      description =
          "Distinct task queues and workflow types labelled in metrics; the rest count as"
              + " _other. Default: 200.")
  String metricsLabelLimit;

  @Option(
      names = "--no-migrate",
      description =
          "Do not apply schema migrations at start; refuse a database that needs them (apply them"
              + " with 'sundial db migrate').")
  boolean noMigrate;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "<name>",
      split = ",",
      description =
          "Namespace to create at start when missing (repeatable; \"default\" always exists).")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--log-level",
      paramLabel = "<level>",
      description = "Log level: debug, info, warn or error. Default: info.")
  String logLevel;

  @Option(
      names = "--node-id",
      paramLabel = "<id>",
      description = "This node's id in a cluster. Default: <hostname>-<port>.")
  String nodeId;

  @Option(
      names = "--advertise-address",
      paramLabel = "<host:port>",
      description =
          "Address at which other cluster nodes reach this node's gRPC port. Default: <ip>:<port>"
              + " (the host name instead of a wildcard --ip).")
  String advertiseAddress;

  /** Everything {@code server start} needs, resolved and checked. */
  record Settings(
      String ip,
      int port,
      int uiPort,
      int httpPort,
      int metricsPort,
      int metricsLabelLimit,
      boolean headless,
      Set<String> httpAllowedHosts,
      int maxConnections,
      StoreOptions store,
      boolean migrate,
      Set<String> namespaces,
      LogLevel logLevel,
      String nodeId,
      String advertiseAddress,
      SecurityOptions.Resolved security) {}

  @Override
  public Integer call() {
    Settings settings;
    try {
      settings = resolve(Commands.env(spec));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    settings.logLevel().apply();
    DevOptions dev;
    try {
      dev = DevOptions.resolve(searchAttributes, logFormat, dynamicConfig);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    dev.applyLogFormat();

    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    Sundial.Builder builder =
        Sundial.builder()
            .store(settings.store())
            .migrate(settings.migrate())
            .grpc(settings.ip(), settings.port())
            .maxConnections(settings.maxConnections())
            .nodeId(settings.nodeId())
            .advertiseAddress(settings.advertiseAddress());
    settings.security().applyTo(builder);
    if (!settings.headless()) {
      builder.ui(uiIp != null ? uiIp : settings.ip(), settings.uiPort());
    }
    dev.applyLimits(builder);
    if (settings.httpPort() >= 0) {
      builder.httpApi(settings.ip(), settings.httpPort());
    }
    if (settings.metricsPort() >= 0) {
      builder.metrics(settings.ip(), settings.metricsPort());
    }
    builder.metricLabelLimits(settings.metricsLabelLimit(), settings.metricsLabelLimit());
    builder.logLevels(LogbackLevels.ifLogback());
    settings.httpAllowedHosts().forEach(builder::httpAllowedHost);
    settings.namespaces().forEach(builder::namespace);

    Sundial sundial;
    try {
      sundial = builder.start();
    } catch (RuntimeException e) {
      err.println(
          "sundial: failed to start on " + settings.store().location() + ": "
              + Commands.describe(e));
      if (settings.logLevel() == LogLevel.DEBUG) {
        e.printStackTrace(err);
      }
      err.flush();
      return 1;
    }

    try {
      dev.registerSearchAttributes(sundial, settings.namespaces());
    } catch (RuntimeException e) {
      err.println("sundial: cannot register the search attributes: " + Commands.describe(e));
      err.flush();
      sundial.close();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> stop(sundial, out, err, stopped), "sundial-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    List<String> allNamespaces = new ArrayList<>();
    allNamespaces.add(DEFAULT_NAMESPACE);
    allNamespaces.addAll(settings.namespaces());

    out.println("Sundial " + VersionProvider.sundialVersion() + " started");
    out.println("  gRPC:       " + sundial.grpcTarget());
    String scheme = settings.security().tls() != null ? "https://" : "http://";
    String host = urlHost(settings.ip());
    if (sundial.uiPort() >= 0) {
      out.println("  Web UI:     " + scheme + host + ":" + sundial.uiPort()
          + (sundial.uiBuilt() ? "" : "  (built without the UI: install Node 20+ and npm, rebuild)"));
    } else {
      out.println("  Web UI:     off (--headless)");
    }
    out.println("  HTTP API:   "
        + (sundial.httpPort() >= 0 ? scheme + host + ":" + sundial.httpPort() : "off"));
    out.println("  Metrics:    "
        + (sundial.metricsPort() >= 0 ? scheme + host + ":" + sundial.metricsPort() + "/metrics"
            : "off"));
    // dataLocation() never contains the database password.
    out.println("  Data:       " + sundial.dataLocation());
    out.println("  Namespaces: " + String.join(", ", allNamespaces));
    out.println(
        "  Node:       "
            + settings.nodeId()
            + (settings.advertiseAddress() == null
                ? ""
                : " (advertised as " + settings.advertiseAddress() + ")"));
    out.println("  Log level:  " + settings.logLevel());
    var auth = settings.security().auth();
    out.println("  Auth:       " + (auth == null ? "none (loopback only)"
        : auth.methods().stream().map(m -> m.flag).sorted().collect(Collectors.joining(", "))
            + (auth.bootstrapAdminKeyFile() == null ? ""
                : "; admin key in " + auth.bootstrapAdminKeyFile())));
    if (settings.store().kind() == StoreOptions.Kind.SQLITE_MEMORY) {
      out.println("  Note:       the database is in memory and is gone when the server stops"
          + " (give --db-filename to keep it)");
    }
    for (String warning : dev.warnings()) {
      out.println("  Warning:    " + warning);
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();

    try {
      stopped.await();
    } catch (InterruptedException e) {
      // Stop first, then restore the flag: an interrupted thread could not wait for the drain.
      if (Runtime.getRuntime().removeShutdownHook(hook)) {
        stop(sundial, out, err, stopped);
      }
      Thread.currentThread().interrupt();
      return 1;
    }
    return 0;
  }

  /** True for {@code server start-dev}: no database file unless one is given. */
  boolean devMode() {
    return false;
  }

  /**
   * Combines the flags with the environment and the config file (flag > environment > config
   * file > default) and checks every value.
   *
   * @throws IllegalArgumentException naming the flag, variable or config key at fault
   */
  Settings resolve(Map<String, String> env) {
    Map<String, String> flags = new LinkedHashMap<>(database.flags());
    flags.putAll(security.flags());
    DatabaseOptions.putIfGiven(flags, "ip", ip);
    DatabaseOptions.putIfGiven(flags, "port", port);
    DatabaseOptions.putIfGiven(flags, "ui-port", uiPort);
    DatabaseOptions.putIfGiven(flags, "http-port", httpPort);
    DatabaseOptions.putIfGiven(flags, "metrics-port", metricsPort);
    DatabaseOptions.putIfGiven(flags, "metrics-label-limit", metricsLabelLimit);
    DatabaseOptions.putIfGiven(flags, "max-connections", maxConnections);
    if (headless) {
      flags.put("headless", "true");
    }
    if (!httpAllowedHosts.isEmpty()) {
      flags.put("http-allowed-hosts", String.join(",", httpAllowedHosts));
    }
    DatabaseOptions.putIfGiven(flags, "log-level", logLevel);
    DatabaseOptions.putIfGiven(flags, "node-id", nodeId);
    DatabaseOptions.putIfGiven(flags, "advertise-address", advertiseAddress);
    if (noMigrate) {
      flags.put("no-migrate", "true");
    }
    if (!namespaces.isEmpty()) {
      flags.put("namespace", String.join(",", namespaces));
    }
    SettingSources sources = new SettingSources(flags, env, database.config);

    Setting ipSetting = sources.get("ip");
    String resolvedIp = ipSetting == null ? "127.0.0.1" : ipSetting.value().strip();
    if (resolvedIp.isEmpty()) {
      throw new IllegalArgumentException(ipSetting.origin() + " must not be empty");
    }
    Setting portSetting = sources.get("port");
    int resolvedPort =
        portSetting == null ? 7233 : DatabaseOptions.parseInt(portSetting, 0, 65535);
    int resolvedUiPort = resolveUiPort(sources.get("ui-port"), resolvedPort);
    int resolvedHttpPort = resolveHttpPort(sources.get("http-port"), resolvedPort, resolvedUiPort);
    int resolvedMetricsPort = resolveMetricsPort(
        sources.get("metrics-port"), resolvedPort, resolvedUiPort, resolvedHttpPort);
    Setting labelSetting = sources.get("metrics-label-limit");
    int resolvedLabelLimit = labelSetting == null ? EngineMetrics.Limits.defaults().taskQueues()
        : DatabaseOptions.parseInt(labelSetting, 0, 100_000);
    boolean resolvedHeadless = parseBoolean(sources.get("headless"));
    Set<String> allowedHosts = new LinkedHashSet<>();
    Setting hostsSetting = sources.get("http-allowed-hosts");
    if (hostsSetting != null) {
      for (String h : hostsSetting.value().split(",")) {
        String host = h.strip();
        if (host.isEmpty() || host.contains("/") || host.contains(" ")) {
          throw new IllegalArgumentException(
              hostsSetting.origin() + " must be host names separated by commas but was '"
                  + hostsSetting.value() + "'");
        }
        allowedHosts.add(host);
      }
    }
    Setting connectionsSetting = sources.get("max-connections");
    int resolvedMaxConnections = connectionsSetting == null ? Sundial.DEFAULT_MAX_CONNECTIONS
        : DatabaseOptions.parseInt(connectionsSetting, 1, 1_000_000);
    StoreOptions store = DatabaseOptions.resolve(sources, env);
    if (devMode() && sources.get("db") == null && sources.get("db-filename") == null) {
      // As temporal server start-dev: without a file, a database that lasts as long as the process.
      store = StoreOptions.sqliteInMemory();
    }
    boolean migrate = !parseBoolean(sources.get("no-migrate"));
    Set<String> extraNamespaces = extraNamespaces(sources.get("namespace"));
    Setting levelSetting = sources.get("log-level");
    LogLevel level = LogLevel.INFO;
    if (levelSetting != null) {
      try {
        level = new LogLevel.Converter().convert(levelSetting.value());
      } catch (TypeConversionException e) {
        throw new IllegalArgumentException(levelSetting.origin() + ": " + e.getMessage());
      }
    }
    return new Settings(
        resolvedIp,
        resolvedPort,
        resolvedUiPort,
        resolvedHttpPort,
        resolvedMetricsPort,
        resolvedLabelLimit,
        resolvedHeadless,
        allowedHosts,
        resolvedMaxConnections,
        store,
        migrate,
        extraNamespaces,
        level,
        resolveNodeId(sources.get("node-id"), resolvedPort),
        resolveAdvertiseAddress(sources.get("advertise-address"), resolvedIp, resolvedPort),
        SecurityOptions.resolve(sources));
  }

  private static void stop(Sundial sundial, PrintWriter out, PrintWriter err, CountDownLatch done) {
    try {
      out.println("Stopping Sundial...");
      out.flush();
      sundial.close();
      out.println("Sundial stopped.");
      out.flush();
    } catch (RuntimeException e) {
      err.println("sundial: error while stopping: " + Commands.describe(e));
      err.flush();
    } finally {
      done.countDown();
    }
  }

  private static int resolveUiPort(Setting uiPort, int port) {
    if (uiPort != null) {
      int value = DatabaseOptions.parseInt(uiPort, 0, 65535);
      if (port != 0 && value == port) {
        throw new IllegalArgumentException(
            uiPort.origin() + " must differ from the gRPC port (both are " + port + ")");
      }
      return value;
    }
    return derivedPort(port, 1000, "--ui-port");
  }

  /** A port derived from --port (0 stays 0: every listener then picks a free port). */
  private static int derivedPort(int port, int offset, String flag) {
    if (port == 0) {
      return 0;
    }
    if (port + offset > 65535) {
      throw new IllegalArgumentException(
          "the default " + flag + " (--port + " + offset + " = " + (port + offset)
              + ") is not a valid port; pass " + flag + " explicitly");
    }
    return port + offset;
  }

  /** Temporal's HTTP API port: --port + 10 by default (7243 for 7233), -1 for off. */
  private static int resolveHttpPort(Setting httpPort, int port, int uiPort) {
    if (httpPort != null) {
      int value = DatabaseOptions.parseInt(httpPort, -1, 65535);
      if (value > 0 && (value == port || value == uiPort)) {
        throw new IllegalArgumentException(
            httpPort.origin() + " must differ from the gRPC and UI ports (" + value + ")");
      }
      return value;
    }
    return derivedPort(port, 10, "--http-port");
  }

  /** The metrics port: --port + 2000 by default (9233 for 7233), -1 for off. */
  private static int resolveMetricsPort(Setting metricsPort, int port, int uiPort, int httpPort) {
    if (metricsPort != null) {
      int value = DatabaseOptions.parseInt(metricsPort, -1, 65535);
      if (value > 0 && (value == port || value == uiPort || value == httpPort)) {
        throw new IllegalArgumentException(
            metricsPort.origin() + " must differ from the gRPC, UI and HTTP ports (" + value + ")");
      }
      return value;
    }
    return derivedPort(port, 2000, "--metrics-port");
  }

  private static String urlHost(String ip) {
    if (ip.equals("0.0.0.0") || ip.equals("::") || ip.equals("[::]")) return "localhost";
    return ip.contains(":") && !ip.startsWith("[") ? "[" + ip + "]" : ip;
  }

  static boolean parseBoolean(Setting s) {
    if (s == null) {
      return false;
    }
    String v = s.value().strip();
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(s.origin() + " must be true or false but was '" + v + "'");
  }

  private static Set<String> extraNamespaces(Setting s) {
    Set<String> result = new LinkedHashSet<>();
    if (s == null) {
      return result;
    }
    // A trailing empty element ("a,") is kept by split(-1) so that it is reported, not dropped.
    for (String ns : s.value().split(",", -1)) {
      String name = ns.strip();
      if (name.isEmpty()) {
        throw new IllegalArgumentException(s.origin() + " must not contain an empty name");
      }
      if (!name.equals(DEFAULT_NAMESPACE)) {
        result.add(name);
      }
    }
    return result;
  }

  private static String resolveNodeId(Setting s, int port) {
    if (s == null) {
      return hostName() + "-" + port;
    }
    String id = s.value().strip();
    if (!NODE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          s.origin()
              + " must be 1 to 200 letters, digits or . _ : @ - characters but was '"
              + s.value()
              + "'");
    }
    return id;
  }

  /**
   * host:port for the other nodes. By default the bind address, or this machine's host name when
   * binding to every interface; null with --port 0 (the port is only known once bound).
   */
  private static String resolveAdvertiseAddress(Setting s, String ip, int port) {
    if (s == null) {
      if (port == 0) {
        return null;
      }
      boolean wildcard = ip.equals("0.0.0.0") || ip.equals("::") || ip.equals("[::]");
      String host = wildcard ? hostName() : ip;
      if (host.contains(":") && !host.startsWith("[")) {
        host = "[" + host + "]";
      }
      return host + ":" + port;
    }
    String value = s.value().strip();
    int colon = value.lastIndexOf(':');
    String host = colon < 0 ? "" : value.substring(0, colon);
    String portText = colon < 0 ? "" : value.substring(colon + 1);
    boolean bareIpv6 = host.contains(":") && !(host.startsWith("[") && host.endsWith("]"));
    if (host.isEmpty() || bareIpv6 || host.contains(" ") || !portText.matches("[0-9]{1,5}")
        || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
      throw new IllegalArgumentException(
          s.origin()
              + " must be <host>:<port> with a port from 1 to 65535 (IPv6 in brackets) but was '"
              + s.value()
              + "'");
    }
    return value;
  }

  private static String hostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      if (name != null && !name.isBlank()) {
        return name;
      }
    } catch (UnknownHostException e) {
      // fall through: no resolvable host name
    }
    String env = System.getenv("HOSTNAME");
    return env != null && !env.isBlank() ? env : "localhost";
  }
}
