package dev.sundial.cli.workflow;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/** A workflow whose activity waits to be completed from outside (by the CLI). */
final class ApprovalWorkflows {
  private ApprovalWorkflows() {}

  @ActivityInterface
  public interface Approval {
    String approve(String what);
  }

  /** Returns without completing: the activity stays pending until someone completes it. */
  public static final class ApprovalImpl implements Approval {
    @Override
    public String approve(String what) {
      Activity.getExecutionContext().doNotCompleteOnReturn();
      return null;
    }
  }

  @WorkflowInterface
  public interface NeedsApproval {
    @WorkflowMethod(name = "NeedsApproval")
    String run(String what);
  }

  public static final class NeedsApprovalImpl implements NeedsApproval {
    @Override
    public String run(String what) {
      Approval a = Workflow.newActivityStub(Approval.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
      try {
        return "approved: " + a.approve(what);
      } catch (ActivityFailure e) {
        return "refused: " + e.getCause().getMessage();
      }
    }
  }
}
