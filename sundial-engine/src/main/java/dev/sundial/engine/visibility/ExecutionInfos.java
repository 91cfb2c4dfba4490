package dev.sundial.engine.visibility;

import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.MutableState;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;

/** The WorkflowExecutionInfo of a run, shared by the visibility rows and DescribeWorkflowExecution. */
public final class ExecutionInfos {
  private ExecutionInfos() {}

  /**
   * The execution info of a run as describe and the visibility APIs report it (current memo and
   * search attributes and auto-reset points included).
   */
  public static WorkflowExecutionInfo.Builder of(MutableState s, long stateTransitionCount) {
    var started = s.started;
    WorkflowExecutionInfo.Builder info =
        WorkflowExecutionInfo.newBuilder()
            .setExecution(
                WorkflowExecution.newBuilder().setWorkflowId(s.workflowId).setRunId(s.runId))
            .setType(started.getWorkflowType())
            .setStartTime(MutableState.timestamp(s.startTime))
            .setExecutionTime(MutableState.timestamp(s.executionTime))
            .setStatus(s.status)
            .setHistoryLength(s.nextEventId - 1)
            .setHistorySizeBytes(s.historySizeBytes)
            .setTaskQueue(started.getTaskQueue().getName())
            .setFirstRunId(s.firstExecutionRunId)
            .setStateTransitionCount(stateTransitionCount);
    if (s.closeTime > 0) {
      info.setCloseTime(MutableState.timestamp(s.closeTime));
      if (!s.isRunning()) {
        info.setExecutionDuration(
            Durations.ofMillis(Math.max(0, s.closeTime - s.executionTime)));
      }
    }
    if (started.hasParentWorkflowExecution()) {
      info.setParentExecution(started.getParentWorkflowExecution())
          .setParentNamespaceId(started.getParentWorkflowNamespaceId());
    }
    info.setRootExecution(started.hasRootWorkflowExecution() ? started.getRootWorkflowExecution()
        : WorkflowExecution.newBuilder().setWorkflowId(s.workflowId).setRunId(s.runId).build());
    var memo = SearchAttributeState.memo(s);
    if (memo.getFieldsCount() > 0) info.setMemo(memo);
    var sa = SearchAttributeState.searchAttributes(s);
    if (sa.getIndexedFieldsCount() > 0) info.setSearchAttributes(sa);
    if (s.reset.autoResetPoints.getPointsCount() > 0) {
      info.setAutoResetPoints(s.reset.autoResetPoints);
    }
    return info;
  }
}
