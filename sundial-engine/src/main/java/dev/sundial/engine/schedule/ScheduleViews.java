package dev.sundial.engine.schedule;

import com.google.protobuf.ByteString;
import dev.sundial.engine.schedule.spec.CompiledSpec;
import dev.sundial.engine.schedule.spec.ScheduleSpecs;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.ScheduleActionResult;
import io.temporal.api.schedule.v1.ScheduleInfo;
import io.temporal.api.schedule.v1.ScheduleListEntry;
import io.temporal.api.schedule.v1.ScheduleListInfo;
import io.temporal.api.workflowservice.v1.DescribeScheduleResponse;
import java.nio.ByteBuffer;
import java.util.List;

/** What Describe and List show of a schedule. */
final class ScheduleViews {
  private ScheduleViews() {}

  static ByteString conflictToken(long token) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(token).array());
  }

  /** The token's value, or null when the caller sent none; INVALID_ARGUMENT shapes are rejected. */
  static Long conflictToken(ByteString token) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    if (token.size() != 8) {
      return Long.MIN_VALUE; // never matches
    }
    return token.asReadOnlyByteBuffer().getLong();
  }

  static Schedule displaySchedule(ScheduleState s) {
    return s.schedule.toBuilder().setSpec(ScheduleSpecs.forDisplay(s.schedule.getSpec())).build();
  }

  static DescribeScheduleResponse describe(ScheduleState s, CompiledSpec spec) {
    ScheduleInfo.Builder info =
        ScheduleInfo.newBuilder()
            .setActionCount(s.actionCount)
            .setMissedCatchupWindow(s.missedCatchupWindow)
            .setOverlapSkipped(s.overlapSkipped)
            .setBufferDropped(s.bufferDropped)
            .setBufferSize(s.buffer.size())
            .addAllRunningWorkflows(s.running)
            .addAllRecentActions(s.recentActions)
            .setCreateTime(ScheduleLogic.timestamp(s.createTime));
    if (s.updateTime > 0) {
      info.setUpdateTime(ScheduleLogic.timestamp(s.updateTime));
    }
    for (long t : ScheduleLogic.futureActionTimes(s, spec, ScheduleLogic.FUTURE_ACTIONS)) {
      info.addFutureActionTimes(ScheduleLogic.timestamp(t));
    }
    return DescribeScheduleResponse.newBuilder()
        .setSchedule(displaySchedule(s))
        .setInfo(info)
        .setMemo(s.memo)
        .setSearchAttributes(s.searchAttributes)
        .setConflictToken(conflictToken(s.conflictToken))
        .build();
  }

  static ScheduleListEntry listEntry(ScheduleState s, CompiledSpec spec) {
    ScheduleListInfo.Builder info =
        ScheduleListInfo.newBuilder()
            .setSpec(ScheduleSpecs.forDisplay(s.schedule.getSpec()))
            .setWorkflowType(s.schedule.getAction().getStartWorkflow().getWorkflowType())
            .setNotes(s.schedule.getState().getNotes())
            .setPaused(s.schedule.getState().getPaused());
    List<ScheduleActionResult> recent = s.recentActions;
    info.addAllRecentActions(
        recent.subList(Math.max(0, recent.size() - ScheduleLogic.LIST_RECENT_ACTIONS), recent.size()));
    if (spec != null) {
      for (long t : ScheduleLogic.futureActionTimes(s, spec, ScheduleLogic.LIST_FUTURE_ACTIONS)) {
        info.addFutureActionTimes(ScheduleLogic.timestamp(t));
      }
    }
    return ScheduleListEntry.newBuilder()
        .setScheduleId(s.scheduleId)
        .setMemo(s.memo)
        .setSearchAttributes(s.searchAttributes)
        .setInfo(info)
        .build();
  }
}
