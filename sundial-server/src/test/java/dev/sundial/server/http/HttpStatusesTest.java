package dev.sundial.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** gRPC codes to HTTP statuses as grpc-gateway v2 maps them (Temporal's HTTP API uses it). */
class HttpStatusesTest {
  private static int http(Status s) {
    return HttpStatuses.fromGrpc(s.getCode().value());
  }

  @Test
  void mapsEveryCodeAsGrpcGateway() {
    assertThat(http(Status.OK)).isEqualTo(200);
    assertThat(http(Status.CANCELLED)).isEqualTo(499);
    assertThat(http(Status.UNKNOWN)).isEqualTo(500);
    assertThat(http(Status.INVALID_ARGUMENT)).isEqualTo(400);
    assertThat(http(Status.DEADLINE_EXCEEDED)).isEqualTo(504);
    assertThat(http(Status.NOT_FOUND)).isEqualTo(404);
    assertThat(http(Status.ALREADY_EXISTS)).isEqualTo(409);
    assertThat(http(Status.PERMISSION_DENIED)).isEqualTo(403);
    assertThat(http(Status.RESOURCE_EXHAUSTED)).isEqualTo(429);
    assertThat(http(Status.FAILED_PRECONDITION)).isEqualTo(400); // not 412, deliberately
    assertThat(http(Status.ABORTED)).isEqualTo(409);
    assertThat(http(Status.OUT_OF_RANGE)).isEqualTo(400);
    assertThat(http(Status.UNIMPLEMENTED)).isEqualTo(501);
    assertThat(http(Status.INTERNAL)).isEqualTo(500);
    assertThat(http(Status.UNAVAILABLE)).isEqualTo(503);
    assertThat(http(Status.DATA_LOSS)).isEqualTo(500);
    assertThat(http(Status.UNAUTHENTICATED)).isEqualTo(401);
  }
}
