package dev.sundial.compat;

import dev.sundial.server.Sundial;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded Sundial per test class, on a real SQLite file in a temporary directory, reached
 * through the in-process stubs. Use it as
 *
 * <pre>
 * &#64;RegisterExtension static final SundialTestServer sundial = new SundialTestServer();
 * </pre>
 *
 * Each test gets its own task queue and its own {@link io.temporal.worker.WorkerFactory}; see
 * {@link CompatServer} for the helpers. When a test of the class failed, the database directory is
 * kept and its path printed, for a post-mortem.
 */
public final class SundialTestServer extends CompatServer {

  private Path dir;
  private Sundial sundial;

  @Override
  protected WorkflowServiceStubs startServer(ExtensionContext context) throws Exception {
    dir =
        Files.createTempDirectory(
            "sundial-compat-" + context.getRequiredTestClass().getSimpleName());
    sundial = Sundial.builder().dbFile(dir.resolve("sundial.db")).start();
    return sundial.newWorkflowServiceStubs();
  }

  @Override
  protected void stopServer(boolean anyTestFailed) {
    try {
      if (sundial != null) {
        sundial.close();
      }
    } finally {
      sundial = null;
      if (dir != null) {
        if (anyTestFailed) {
          System.err.println("[compat] a test failed; database kept in " + dir);
        } else {
          deleteRecursively(dir);
        }
      }
    }
  }

  /** Where the database lives (for tests that want to look at the file). */
  public Path dataDirectory() {
    return dir;
  }
}
