package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The root of a workflow chain as the SDK reports it (Workflow.getInfo().getRootWorkflowId()): a
 * top-level workflow has none of its own, as on Temporal; a child reports the top-level one.
 * Describe shows every run's root, the top-level run being its own.
 */
class RootWorkflowTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @WorkflowInterface
  public interface Rooted {
    @WorkflowMethod
    String run(boolean spawnChild);
  }

  public static class RootedImpl implements Rooted {
    @Override
    public String run(boolean spawnChild) {
      String mine = Workflow.getInfo().getRootWorkflowId().orElse("none");
      if (!spawnChild) {
        return mine;
      }
      String child = Workflow.newChildWorkflowStub(Rooted.class).run(false);
      return mine + "/" + child;
    }
  }

  @Test
  void aTopLevelWorkflowHasNoRootAndItsChildReportsIt() {
    sundial.worker().registerWorkflowImplementationTypes(RootedImpl.class);
    sundial.startWorkers();
    String id = sundial.newWorkflowId("rooted");
    Rooted top = sundial.newWorkflowStub(Rooted.class, id);
    assertThat(top.run(true)).isEqualTo("none/" + id);
    var info = sundial.describe(id, "").getWorkflowExecutionInfo();
    assertThat(info.getRootExecution().getWorkflowId()).isEqualTo(id);
    assertThat(info.getRootExecution().getRunId()).isEqualTo(info.getExecution().getRunId());
  }
}
