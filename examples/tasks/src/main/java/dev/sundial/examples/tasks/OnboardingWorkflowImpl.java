package dev.sundial.examples.tasks;

import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class OnboardingWorkflowImpl implements OnboardingWorkflow {
  private final TaskActivities tasks = Activities.tasks();
  private final NotificationActivities notifications = Activities.notifications();

  private NewUser user;
  private String status = "ONBOARDING";
  private final List<Promise<TaskProgress>> onboardingTasks = new ArrayList<>();
  private int followUpsSent;

  @Override
  public OnboardingStatus onboard(NewUser u) {
    user = u;
    tasks.onboardingStatus(u.userId(), u.name(), status);
    notifications.send(new Notification(u.userId() + "-welcome", u.userId(), "WELCOME",
        "Welcome, " + u.name() + "!", "Your onboarding has " + u.tasks().size() + " tasks."));
    long due = u.startedAt() + u.duration();
    for (int i = 0; i < u.tasks().size(); i++) {
      String taskId = u.userId() + "-onboarding-" + (i + 1);
      TaskLifecycleWorkflow child = Workflow.newChildWorkflowStub(TaskLifecycleWorkflow.class,
          ChildWorkflowOptions.newBuilder()
              .setWorkflowId(TaskLifecycleWorkflow.workflowId(taskId))
              // A task left open when onboarding ends stays the user's.
              .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
              .build());
      TaskSpec spec = new TaskSpec(taskId, u.tasks().get(i), "Onboarding task " + (i + 1),
          u.userId(), "onboarding", u.startedAt(), due, u.reminderOffsets(), u.duration() * 2);
      onboardingTasks.add(Async.function(child::run, spec));
      Workflow.getWorkflowExecution(child).get(); // started before the next one
    }
    for (long followUp : u.followUps()) {
      long wait = u.startedAt() + followUp - Workflow.currentTimeMillis();
      if (wait > 0) Workflow.await(Duration.ofMillis(wait), this::allDone);
      if (allDone()) break;
      followUpsSent++;
      notifications.send(new Notification(u.userId() + "-follow-up-" + followUpsSent, u.userId(),
          "FOLLOW_UP", "Onboarding: " + open() + " tasks open",
          "You have " + open() + " onboarding tasks open."));
    }
    long left = due - Workflow.currentTimeMillis();
    if (left > 0) Workflow.await(Duration.ofMillis(left), this::allDone);
    status = allDone() ? "COMPLETED" : "ENDED_WITH_OPEN_TASKS";
    tasks.onboardingStatus(u.userId(), u.name(), status);
    notifications.send(new Notification(u.userId() + "-done", u.userId(), "ONBOARDING_DONE",
        "Onboarding " + (allDone() ? "complete" : "over"),
        allDone() ? "All onboarding tasks are done. Welcome aboard!"
            : "Onboarding time is over with " + open() + " tasks still open; they stay yours."));
    return status();
  }

  private boolean allDone() {
    return onboardingTasks.stream().allMatch(Promise::isCompleted);
  }

  private int open() {
    return (int) onboardingTasks.stream().filter(p -> !p.isCompleted()).count();
  }

  @Override
  public OnboardingStatus status() {
    int total = onboardingTasks.size();
    return new OnboardingStatus(user == null ? "" : user.userId(), status, total, total - open(),
        followUpsSent);
  }
}
