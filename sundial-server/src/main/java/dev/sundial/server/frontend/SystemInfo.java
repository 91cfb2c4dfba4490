package dev.sundial.server.frontend;

import io.temporal.api.workflowservice.v1.GetClusterInfoResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;

/** What GetSystemInfo advertises: only capabilities Sundial really implements. */
public final class SystemInfo {

  /**
   * The Temporal server version whose API and behaviour Sundial matches, as plain x.y.z: the web
   * UI compares it numerically to enable its features.
   */
  static final String TEMPORAL_VERSION = "1.24.0";

  /** What GetSystemInfo reports (SDKs show it): that version, marked as Sundial. */
  static final String SERVER_VERSION = TEMPORAL_VERSION + "-sundial";

  static final String CLUSTER_ID = "sundial";

  private SystemInfo() {}

  /** What GetClusterInfo answers: fixed for the life of the server. */
  public static GetClusterInfoResponse clusterInfo(
      int shards, boolean postgres) {
    String store = postgres ? "postgres" : "sqlite";
    return GetClusterInfoResponse.newBuilder()
        .putSupportedClients("temporal-cli", ">=0.0.0 <2.0.0")
        .putSupportedClients("temporal-go", ">=1.0.0 <2.0.0")
        .putSupportedClients("temporal-java", ">=1.0.0 <2.0.0")
        .putSupportedClients("temporal-php", ">=1.0.0 <2.0.0")
        .putSupportedClients("temporal-typescript", ">=0.0.0 <2.0.0")
        .putSupportedClients("temporal-server", ">=1.0.0 <2.0.0")
        .putSupportedClients("temporal-ui", ">=2.0.0 <3.0.0")
        .setServerVersion(TEMPORAL_VERSION)
        .setClusterId(CLUSTER_ID)
        .setClusterName("sundial")
        .setHistoryShardCount(shards)
        .setPersistenceStore(store)
        .setVisibilityStore(store)
        .setInitialFailoverVersion(1)
        .setFailoverVersionIncrement(10)
        .build();
  }

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
