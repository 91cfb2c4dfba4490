package dev.sundial.cli;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.sundial.cli.client.Enums;
import dev.sundial.engine.history.EngineContext;
import dev.sundial.server.Sundial;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code temporal server start-dev} flags that {@code server start} takes too: search
 * attributes registered at start, JSON log lines, and the dynamic config values Sundial
 * understands (the history limits); any other key is a warning naming it.
 */
record DevOptions(Map<String, IndexedValueType> searchAttributes, boolean jsonLogs,
    Long historyCountLimit, Long historySizeLimit, List<String> warnings) {

  static DevOptions resolve(List<String> searchAttributes, String logFormat, List<String> dynamicConfig) {
    Map<String, IndexedValueType> attributes = new LinkedHashMap<>();
    for (String kv : searchAttributes) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--search-attribute must be NAME=TYPE but was '" + kv + "'");
      }
      attributes.put(kv.substring(0, eq), Enums.parse(IndexedValueType.class,
          "INDEXED_VALUE_TYPE_", kv.substring(eq + 1), "--search-attribute " + kv.substring(0, eq)));
    }
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new IllegalArgumentException("--log-format must be text or json but was '" + logFormat + "'");
    }
    Long count = null;
    Long size = null;
    List<String> warnings = new ArrayList<>();
    for (String kv : dynamicConfig) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--dynamic-config-value must be KEY=JSON but was '" + kv + "'");
      }
      String key = kv.substring(0, eq);
      String value = kv.substring(eq + 1).strip();
      switch (key) {
        case "limit.historyCount.error" -> count = positive(key, value);
        case "limit.historySize.error" -> size = positive(key, value);
        default -> warnings.add("--dynamic-config-value " + key + " ignored: Sundial does not use it");
      }
    }
    return new DevOptions(attributes, logFormat.equals("json"), count, size, warnings);
  }

  private static long positive(String key, String value) {
    try {
      long v = Long.parseLong(value);
      if (v > 0) return v;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--dynamic-config-value " + key + " must be a positive number"
        + " but was '" + value + "'");
  }

  void applyLimits(Sundial.Builder builder) {
    if (historyCountLimit != null || historySizeLimit != null) {
      var d = EngineContext.Limits.defaults();
      builder.historyLimits(
          historyCountLimit != null ? historyCountLimit.intValue() : d.maxHistoryEvents(),
          historySizeLimit != null ? historySizeLimit : d.maxHistoryBytes());
    }
  }

  /** JSON lines on the console (Logback's JsonEncoder) instead of text. */
  void applyLogFormat() {
    if (!jsonLogs || !(LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root)) {
      return;
    }
    for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> console) {
        var encoder = new JsonEncoder();
        encoder.setWithFormattedMessage(true); // the message as read, not only its template
        // Never the raw arguments (they could hold anything a caller sent) nor the whole logging
        // context on every line; the MDC (rpc, namespace, workflowId, runId, node) stays.
        encoder.setWithArguments(false);
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setContext(console.getContext());
        encoder.start();
        console.stop();
        console.setEncoder(encoder);
        console.start();
      }
    }
  }

  /** The search attributes in every namespace the server was started with. */
  void registerSearchAttributes(Sundial sundial, Set<String> namespaces) {
    if (searchAttributes.isEmpty()) return;
    var channel = sundial.newInProcessChannel();
    try {
      var operator = OperatorServiceGrpc.newBlockingStub(channel);
      List<String> all = new ArrayList<>();
      all.add(ServerStartCommand.DEFAULT_NAMESPACE);
      all.addAll(namespaces);
      for (String ns : all) {
        operator.addSearchAttributes(AddSearchAttributesRequest.newBuilder().setNamespace(ns)
            .putAllSearchAttributes(searchAttributes).build());
      }
    } finally {
      channel.shutdownNow();
    }
  }
}
