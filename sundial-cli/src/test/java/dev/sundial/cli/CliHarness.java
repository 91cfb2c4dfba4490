package dev.sundial.cli;

import dev.sundial.server.Sundial;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;

/**
 * An embedded Sundial on a gRPC port (the CLI is a network client) with an official-SDK worker
 * factory, and a way to run {@code sundial ...} in-process and get its exit status and output.
 */
public final class CliHarness implements AutoCloseable {
  /** What a command did. */
  public record Run(int code, String out, String err) {}

  public final Sundial sundial;
  public final WorkflowServiceStubs stubs;
  public final WorkflowClient client;
  public final WorkerFactory workers;

  public CliHarness() {
    sundial = Sundial.builder().inMemory().grpc("127.0.0.1", 0).start();
    stubs = sundial.newWorkflowServiceStubs();
    client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    workers = WorkerFactory.newInstance(client);
  }

  public String address() {
    return sundial.grpcTarget();
  }

  /** {@code sundial <args> --address <this server>} with no environment. */
  public Run cli(String... args) {
    return run(Map.of(), withAddress(args));
  }

  /** The same with an environment of its own (TEMPORAL_* variables) and no --address added. */
  public static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SundialCommand.newCommandLine(env);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private String[] withAddress(String[] args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--address";
    all[args.length + 1] = address();
    return all;
  }

  /** Waits (up to 20 s) until the condition holds; fails naming what it waited for. */
  public static void await(String what, BooleanSupplier condition) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
      Thread.onSpinWait();
    }
  }

  public static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  @Override
  public void close() {
    workers.shutdownNow();
    stubs.shutdownNow();
    sundial.close();
  }
}
