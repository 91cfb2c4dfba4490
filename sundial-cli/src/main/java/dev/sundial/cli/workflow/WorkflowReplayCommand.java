package dev.sundial.cli.workflow;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.History;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replay",
    description = "Replay stored histories through your workflow code and report every run that"
        + " is no longer deterministic with it (where it diverged); exit status 1 if any is.",
    footer = {"", "Examples:",
        "  sundial workflow replay --query 'WorkflowType=\"OrderProcessing\"' --classpath 'app.jar:lib/*'"
            + " --workflow-class com.example.OrderProcessingImpl",
        "  sundial workflow replay --history-file order-1.json --classpath build/classes"})
public final class WorkflowReplayCommand extends ClientCommand {
  /** The Spring Boot starter's marker of workflow implementations (found without --workflow-class). */
  private static final String WORKFLOW_IMPL = "Lio/temporal/spring/boot/WorkflowImpl;";

  @Option(names = {"-w", "--workflow-id"}, paramLabel = "<id>", description = "Replay this workflow's run.")
  String workflowId;

  @Option(names = {"-r", "--run-id"}, paramLabel = "<id>", description = "Run id. Default: the latest run.")
  String runId;

  @Option(names = {"-q", "--query"}, paramLabel = "<query>", description = "Replay every run matching this visibility query.")
  String query;

  @Option(names = "--history-file", paramLabel = "<file>",
      description = "A history JSON file (as 'workflow show -o json' writes); repeatable.")
  List<String> historyFiles = new ArrayList<>();

  @Option(names = "--classpath", paramLabel = "<path>", required = true,
      description = "Where your workflow classes are: JARs and directories separated by ':'; 'dir/*' is every JAR in dir.")
  String classpath;

  @Option(names = "--workflow-class", paramLabel = "<class>",
      description = "A workflow implementation class; repeatable. Default: the classes marked @WorkflowImpl.")
  List<String> workflowClasses = new ArrayList<>();

  @Option(names = "--limit", paramLabel = "<n>", description = "With --query: at most this many runs. Default: 1000.")
  int limit = 1000;

  @Override
  protected void validate() {
    int sources = (workflowId != null ? 1 : 0) + (query != null ? 1 : 0) + (historyFiles.isEmpty() ? 0 : 1);
    if (sources != 1) {
      throw new IllegalArgumentException("give one of --workflow-id, --query or --history-file");
    }
    entries();
  }

  /** The classpath as URLs; IllegalArgumentException names a missing entry. */
  private List<URL> entries() {
    List<URL> urls = new ArrayList<>();
    for (String part : classpath.split(File.pathSeparator)) {
      if (part.isBlank()) continue;
      try {
        if (part.endsWith("/*") || part.equals("*")) {
          Path dir = Path.of(part.equals("*") ? "." : part.substring(0, part.length() - 2));
          try (Stream<Path> jars = Files.list(dir)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
              urls.add(jar.toUri().toURL());
            }
          }
        } else {
          Path p = Path.of(part);
          if (!Files.exists(p)) throw new IllegalArgumentException("--classpath: " + part + " does not exist");
          urls.add(p.toUri().toURL());
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("--classpath: cannot read " + part + ": " + e.getMessage());
      }
    }
    return urls;
  }

  @Override
  protected int run(Client client, Output out) throws Exception {
    // Parent first: io.temporal.* are this CLI's SDK classes, so the replayer sees the annotations.
    try (URLClassLoader loader = new URLClassLoader(entries().toArray(URL[]::new), getClass().getClassLoader())) {
      List<Class<?>> classes = workflowClasses(loader);
      if (classes.isEmpty()) {
        spec.commandLine().getErr().println("Error: no workflow classes: give --workflow-class, or mark them"
            + " @WorkflowImpl on the --classpath");
        return FAILED;
      }
      List<WorkflowExecutionHistory> histories = histories(client);
      WorkflowClient workflowClient = WorkflowClient.newInstance(client.workflowStubs(),
          WorkflowClientOptions.newBuilder().setNamespace(client.namespace()).build());
      WorkerFactory factory = WorkerFactory.newInstance(workflowClient);
      Thread current = Thread.currentThread();
      ClassLoader before = current.getContextClassLoader();
      current.setContextClassLoader(loader);
      try {
        Worker worker = factory.newWorker("sundial-replay");
        worker.registerWorkflowImplementationTypes(classes.toArray(Class<?>[]::new));
        return report(out, worker, histories);
      } finally {
        current.setContextClassLoader(before);
        factory.shutdownNow();
      }
    }
  }

  private int report(Output out, Worker worker, List<WorkflowExecutionHistory> histories) {
    List<List<String>> rows = new ArrayList<>();
    JsonArray json = new JsonArray();
    int diverged = 0;
    for (WorkflowExecutionHistory h : histories) {
      String problem = null;
      try {
        worker.replayWorkflowExecution(h);
      } catch (Exception e) {
        problem = rootMessage(e);
        diverged++;
      }
      WorkflowExecution ex = h.getWorkflowExecution();
      rows.add(List.of(ex.getWorkflowId(), ex.getRunId(), problem == null ? "ok" : "NON-DETERMINISTIC: " + problem));
      JsonObject o = new JsonObject();
      o.addProperty("workflowId", ex.getWorkflowId());
      o.addProperty("runId", ex.getRunId());
      o.addProperty("deterministic", problem == null);
      if (problem != null) o.addProperty("error", problem);
      json.add(o);
    }
    if (out.isText()) {
      out.table(List.of("WorkflowId", "RunId", "Replay"), rows);
      out.line(histories.size() + " replayed, " + diverged + " not deterministic");
    } else if (out.isJson()) {
      out.printList(json);
    }
    return diverged == 0 ? 0 : FAILED;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    String message = String.valueOf(e.getMessage());
    while (t != null) {
      if (t.getMessage() != null) message = t.getMessage();
      if (t.getCause() == t) break;
      t = t.getCause();
    }
    return message.replaceAll("\\s+", " ");
  }

  private List<WorkflowExecutionHistory> histories(Client client) throws IOException {
    List<WorkflowExecutionHistory> all = new ArrayList<>();
    for (String f : historyFiles) {
      all.add(WorkflowExecutionHistory.fromJson(Files.readString(Path.of(f))));
    }
    if (workflowId != null) {
      all.add(fetch(client, WorkflowExecution.newBuilder().setWorkflowId(workflowId)
          .setRunId(runId == null ? "" : runId).build()));
    }
    if (query != null) {
      ByteString token = ByteString.EMPTY;
      do {
        var r = client.workflow().listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
            .setNamespace(client.namespace()).setQuery(query).setPageSize(100).setNextPageToken(token).build());
        for (var info : r.getExecutionsList()) {
          if (all.size() >= limit) break;
          all.add(fetch(client, info.getExecution()));
        }
        token = r.getNextPageToken();
      } while (!token.isEmpty() && all.size() < limit);
    }
    return all;
  }

  private static WorkflowExecutionHistory fetch(Client client, WorkflowExecution execution) {
    var events = Histories.all(client, execution);
    String id = execution.getWorkflowId();
    return new WorkflowExecutionHistory(History.newBuilder().addAllEvents(events).build(), id);
  }

  private List<Class<?>> workflowClasses(ClassLoader loader) throws IOException {
    List<Class<?>> classes = new ArrayList<>();
    for (String name : workflowClasses) {
      try {
        classes.add(Class.forName(name, false, loader));
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException("--workflow-class " + name + " is not on the --classpath");
      }
    }
    if (classes.isEmpty()) {
      for (String name : markedClasses()) {
        try {
          classes.add(Class.forName(name, false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
          // a class that cannot load is not one we can replay with
        }
      }
    }
    return classes;
  }

  /** Classes whose bytes carry the @WorkflowImpl annotation, in the --classpath's JARs and directories. */
  private List<String> markedClasses() throws IOException {
    List<String> names = new ArrayList<>();
    byte[] marker = WORKFLOW_IMPL.getBytes(StandardCharsets.UTF_8);
    for (URL url : entries()) {
      Path p = Path.of(URI.create(url.toString()));
      if (Files.isDirectory(p)) {
        try (Stream<Path> files = Files.walk(p)) {
          for (Path f : files.filter(x -> x.toString().endsWith(".class")).toList()) {
            if (contains(Files.readAllBytes(f), marker)) {
              names.add(p.relativize(f).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", ""));
            }
          }
        }
      } else {
        try (var jar = new JarFile(p.toFile())) {
          for (var e : Collections.list(jar.entries())) {
            if (e.getName().endsWith(".class")) {
              try (var in = jar.getInputStream(e)) {
                if (contains(in.readAllBytes(), marker)) {
                  names.add(e.getName().replace('/', '.').replaceAll("\\.class$", ""));
                }
              }
            }
          }
        }
      }
    }
    return names;
  }

  private static boolean contains(byte[] bytes, byte[] marker) {
    outer:
    for (int i = 0; i <= bytes.length - marker.length; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (bytes[i + j] != marker[j]) continue outer;
      }
      return true;
    }
    return false;
  }
}
