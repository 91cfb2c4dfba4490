package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.namespace.v1.NamespaceInfo;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.ListNamespacesRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server advertises what it implements and nothing more, in GetSystemInfo and in each
 * namespace's info (where the newest SDKs look before using a feature).
 */
class CapabilitiesTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @Test
  void onlyImplementedFeaturesAreAdvertised() {
    var system = sundial.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance())
        .getCapabilities();
    assertThat(system.getSupportsSchedules()).isTrue();
    assertThat(system.getEagerWorkflowStart()).isTrue();
    assertThat(system.getNexus()).isFalse();
    assertThat(system.getBuildIdBasedVersioning()).isFalse();

    NamespaceInfo.Capabilities expected =
        NamespaceInfo.Capabilities.newBuilder()
            .setEagerWorkflowStart(true)
            .setSyncUpdate(true)
            .setStandaloneActivities(true)
            .setStandaloneActivityStartDelay(true)
            .setAsyncUpdate(true)
            .build();
    var described = sundial.blockingStub().describeNamespace(
        DescribeNamespaceRequest.newBuilder().setNamespace(CompatServer.NAMESPACE).build());
    // Exactly these: worker heartbeats and commands, poller autoscaling, workflow pause, standalone
    // activities' pause/reset/batches... are not implemented and must not be announced.
    assertThat(described.getNamespaceInfo().getCapabilities()).isEqualTo(expected);
    var listed = sundial.blockingStub().listNamespaces(ListNamespacesRequest.getDefaultInstance());
    assertThat(listed.getNamespacesList())
        .allSatisfy(n -> assertThat(n.getNamespaceInfo().getCapabilities()).isEqualTo(expected));
  }
}
