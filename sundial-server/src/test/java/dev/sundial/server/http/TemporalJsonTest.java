package dev.sundial.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.workflowservice.v1.PatchScheduleRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Payload shorthand both ways, and the route table built from the API's HTTP annotations. */
class TemporalJsonTest {
  private final TemporalJson json = new TemporalJson();

  private static Payload payload(String encoding, String data) {
    return Payload.newBuilder().putMetadata("encoding", ByteString.copyFromUtf8(encoding))
        .setData(ByteString.copyFromUtf8(data)).build();
  }

  @Test
  void writesJsonPlainAsItsValueAndBinaryNullAsNull() {
    var req = StartWorkflowExecutionRequest.newBuilder()
        .setInput(Payloads.newBuilder()
            .addPayloads(payload("json/plain", "{\"a\":[1,2]}"))
            .addPayloads(Payload.newBuilder().putMetadata("encoding", ByteString.copyFromUtf8("binary/null"))))
        .build();
    assertThat(json.print(req, true)).isEqualTo("{\"input\":[{\"a\":[1,2]},null]}");
    assertThat(json.print(req, false)).contains("\"payloads\":[{\"metadata\":{\"encoding\":\"anNvbi9wbGFpbg==\"}");
  }

  @Test
  void payloadsWithOneNonShorthandPayloadStayLongForm() {
    var req = StartWorkflowExecutionRequest.newBuilder()
        .setInput(Payloads.newBuilder()
            .addPayloads(payload("json/plain", "1"))
            .addPayloads(payload("binary/plain", "raw")))
        .build();
    assertThat(json.print(req, true)).startsWith("{\"input\":{\"payloads\":[");
  }

  @Test
  void protoJsonPayloadsCarryTheirTypeBothWays() throws InvalidProtocolBufferException {
    Payload p = Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/protobuf"))
        .putMetadata("messageType", ByteString.copyFromUtf8("my.Msg"))
        .setData(ByteString.copyFromUtf8("{\"x\":1}")).build();
    var req = SignalWorkflowExecutionRequest.newBuilder()
        .setInput(Payloads.newBuilder().addPayloads(p)).build();
    String printed = json.print(req, true);
    assertThat(printed).isEqualTo("{\"input\":[{\"x\":1,\"_protoMessageType\":\"my.Msg\"}]}");
    var back = SignalWorkflowExecutionRequest.newBuilder();
    json.merge(JsonParser.parseString(printed).getAsJsonObject(), back, true);
    Payload read = back.getInput().getPayloads(0);
    assertThat(read.getMetadataOrThrow("messageType").toStringUtf8()).isEqualTo("my.Msg");
    assertThat(read.getData().toStringUtf8()).isEqualTo("{\"x\":1}");
  }

  @Test
  void readsShorthandAndLongFormAlike() throws InvalidProtocolBufferException {
    var b = StartWorkflowExecutionRequest.newBuilder();
    json.merge(JsonParser.parseString("{\"input\":[\"hi\",{\"metadata\":{\"encoding\":"
        + "\"YmluYXJ5L3BsYWlu\"},\"data\":\"cmF3\"},{\"metadata\":7}],"
        + "\"header\":{\"fields\":{\"k\":true}}}").getAsJsonObject(), b, true);
    List<Payload> in = b.getInput().getPayloadsList();
    assertThat(in.get(0).getData().toStringUtf8()).isEqualTo("\"hi\"");
    assertThat(in.get(1).getMetadataOrThrow("encoding").toStringUtf8()).isEqualTo("binary/plain");
    assertThat(in.get(1).getData().toStringUtf8()).isEqualTo("raw");
    // Not a well-formed long-form payload: a JSON value like any other.
    assertThat(in.get(2).getData().toStringUtf8()).isEqualTo("{\"metadata\":7}");
    assertThat(b.getHeader().getFieldsOrThrow("k").getData().toStringUtf8()).isEqualTo("true");
  }

  @Test
  void acceptsTheOlderPascalCaseEnumFormTheUiSends() throws InvalidProtocolBufferException {
    var b = PatchScheduleRequest.newBuilder();
    json.merge(JsonParser.parseString(
        "{\"patch\":{\"triggerImmediately\":{\"overlapPolicy\":\"BufferAll\"}}}").getAsJsonObject(),
        b, false);
    assertThat(b.getPatch().getTriggerImmediately().getOverlapPolicy())
        .isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL);
    var bad = PatchScheduleRequest.newBuilder();
    assertThatThrownBy(() -> json.merge(JsonParser.parseString(
            "{\"patch\":{\"triggerImmediately\":{\"overlapPolicy\":\"Sometimes\"}}}").getAsJsonObject(),
            bad, false))
        .hasMessageContaining("Sometimes");
  }

  @Test
  void unknownFieldsAreRefusedByName() {
    var b = StartWorkflowExecutionRequest.newBuilder();
    assertThatThrownBy(() -> json.merge(
            JsonParser.parseString("{\"nope\":1}").getAsJsonObject(), b, true))
        .hasMessageContaining("nope");
  }

  @Test
  void routesComeFromTheAnnotationsWithLiteralsPreferred() {
    HttpRouter router = new HttpRouter(
        List.of(WorkflowServiceGrpc.getServiceDescriptor()), t -> true);
    assertThat(router.size()).isGreaterThan(100);
    var complete = router.match("POST",
        List.of("api", "v1", "namespaces", "ns", "activities", "act-1", "complete"));
    assertThat(complete.route().rpc().getBareMethodName()).isEqualTo("RespondActivityTaskCompletedById");
    assertThat(complete.pathVariables()).containsEntry(List.of("activity_id"), "act-1");
    // The API's earlier bindings, which the web UI 2.38 calls, win over a variable segment.
    var byId = router.match("POST",
        List.of("api", "v1", "namespaces", "ns", "activities", "complete-by-id"));
    assertThat(byId.route().rpc().getBareMethodName()).isEqualTo("RespondActivityTaskCompletedById");
    var multi = router.match("POST",
        List.of("api", "v1", "namespaces", "ns", "workflows", "execute-multi-operation"));
    assertThat(multi.route().rpc().getBareMethodName()).isEqualTo("ExecuteMultiOperation");
    var start = router.match("POST", List.of("namespaces", "ns", "workflows", "a/b c"));
    assertThat(start.route().rpc().getBareMethodName()).isEqualTo("StartWorkflowExecution");
    assertThat(start.pathVariables()).containsEntry(List.of("workflow_id"), "a/b c");
    assertThat(router.match("GET", List.of("namespaces", "ns", "nothing-here"))).isNull();
    assertThat(HttpRequestHandler.segments("/namespaces/a%2Fb/workflows/x+y"))
        .containsExactly("namespaces", "a/b", "workflows", "x+y");
  }
}
