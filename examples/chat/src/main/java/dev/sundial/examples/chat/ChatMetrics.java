package dev.sundial.examples.chat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The chat service's metrics on {@code /metrics}: messages by outcome, the circuit breaker's
 * state (0 closed, 1 open, 2 half-open) and the active sessions; the model's latency and errors
 * are recorded where it is called.
 */
@Component
public class ChatMetrics {
  private final MeterRegistry meters;

  public ChatMetrics(MeterRegistry meters, CircuitBreaker breaker, ChatStore store) {
    this.meters = meters;
    Gauge.builder("chat.llm.circuit.state", breaker, b -> switch (b.getState()) {
          case OPEN, FORCED_OPEN -> 1;
          case HALF_OPEN -> 2;
          default -> 0;
        })
        .description("The model's circuit breaker: 0 closed, 1 open, 2 half-open")
        .register(meters);
    Gauge.builder("chat.sessions.active", store, ChatStore::activeSessions)
        .description("Sessions not archived")
        .register(meters);
  }

  /** A message answered: its reply's status (ANSWERED, PENDING, REFUSED, FAILED). */
  public void message(String status) {
    meters.counter("chat.messages", "status", status).increment();
  }
}
