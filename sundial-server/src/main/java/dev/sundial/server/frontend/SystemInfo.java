package dev.sundial.server.frontend;

import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;

/** What GetSystemInfo advertises: only capabilities Sundial really implements. */
final class SystemInfo {
  static final String SERVER_VERSION = "1.24.0-sundial";

  private SystemInfo() {}

  static GetSystemInfoResponse response() {
    return GetSystemInfoResponse.newBuilder()
        .setServerVersion(SERVER_VERSION)
        .setCapabilities(
            GetSystemInfoResponse.Capabilities.newBuilder()
                .setSignalAndQueryHeader(true)
                .setInternalErrorDifferentiation(true)
                .setActivityFailureIncludeHeartbeat(true)
                .setEncodedFailureAttributes(true)
                .setSdkMetadata(true)
                .setUpsertMemo(true)
                .setCountGroupByExecutionStatus(true)
                .setSupportsSchedules(true)
                .setEagerWorkflowStart(true))
        .build();
  }
}
