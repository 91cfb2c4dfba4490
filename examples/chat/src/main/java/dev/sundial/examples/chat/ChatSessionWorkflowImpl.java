package dev.sundial.examples.chat;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class ChatSessionWorkflowImpl implements ChatSessionWorkflow {
  private final ChatActivities store = ChatActivities.stub();

  private String sessionId;
  private String title;
  private int contextWindow;
  private int messageCount;
  private long lastActivity;
  private String status = "ACTIVE";
  private final List<Turn> recent = new ArrayList<>();
  private int exchangesThisRun;
  private boolean changed;
  private String closeReason;

  @Override
  public void run(String tenant, String id, Settings settings, State carried) {
    sessionId = id;
    title = settings.title();
    contextWindow = settings.contextWindow();
    lastActivity = Workflow.currentTimeMillis();
    if (carried != null) {
      title = carried.title();
      contextWindow = carried.contextWindow();
      messageCount = carried.messageCount();
      lastActivity = carried.lastActivity();
      recent.addAll(carried.recent());
    }
    while (true) {
      boolean active = Workflow.await(Duration.ofMillis(settings.idleTimeoutMillis()),
          () -> changed || closeReason != null);
      if (closeReason != null || !active) {
        status = "ARCHIVED";
        store.archiveSession(tenant, id, closeReason != null ? closeReason : "idle");
        return;
      }
      changed = false;
      if (exchangesThisRun >= settings.continueAfter()) {
        // A fresh history, the state carried over.
        Workflow.continueAsNew(tenant, id, settings, state());
      }
    }
  }

  @Override
  public void exchanged(Turn user, Turn assistant) {
    recent.add(user);
    recent.add(assistant);
    while (recent.size() > 2 * contextWindow) recent.remove(0);
    messageCount += 2;
    exchangesThisRun++;
    lastActivity = Workflow.currentTimeMillis();
    changed = true;
  }

  @Override
  public void configure(String newTitle, int newContextWindow) {
    if (newTitle != null && !newTitle.isBlank()) title = newTitle;
    if (newContextWindow > 0) {
      contextWindow = newContextWindow;
      while (recent.size() > 2 * contextWindow) recent.remove(0);
    }
    changed = true;
  }

  @Override
  public void close(String reason) {
    closeReason = reason == null ? "closed" : reason;
  }

  @Override
  public State state() {
    return new State(sessionId, title, status, messageCount, lastActivity, contextWindow,
        List.copyOf(recent));
  }
}
