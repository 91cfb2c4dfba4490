package dev.sundial.examples.chat;

import dev.sundial.examples.support.ChatModel;
import dev.sundial.examples.support.Schedules;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * The chat service: sessions (a long-running workflow each) and messages (a workflow each: checks,
 * context and the model in parallel, storage) over an OpenAI-compatible model behind a circuit
 * breaker, per tenant (a Sundial namespace each), on an embedded Sundial unless
 * {@code --temporal-address} names a server.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ChatApplication {
  private static final Logger log = LoggerFactory.getLogger(ChatApplication.class);

  public static void main(String[] args) {
    SpringApplication.run(ChatApplication.class, args);
  }

  @Bean
  ChatModel chatModel(Environment env) {
    ChatModel model = ChatModel.fromEnvironment(env::getProperty);
    log.info("Model: {}", model.name());
    return model;
  }

  /** Opens after {@code chat.breaker-failures} failed calls in a row; one probe when half-open. */
  @Bean
  CircuitBreaker modelCircuitBreaker(ChatSettings settings) {
    return CircuitBreaker.of("llm", CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(settings.breakerFailures())
        .minimumNumberOfCalls(settings.breakerFailures())
        .failureRateThreshold(100)
        .waitDurationInOpenState(settings.breakerOpenFor())
        .permittedNumberOfCallsInHalfOpenState(1)
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .build());
  }

  /** A cleanup schedule per tenant, created if missing. */
  @EventListener(ApplicationReadyEvent.class)
  public void ensureCleanupSchedules(ApplicationReadyEvent event) {
    var context = event.getApplicationContext();
    ChatSettings settings = context.getBean(ChatSettings.class);
    WorkflowServiceStubs stubs = context.getBean(WorkflowServiceStubs.class);
    for (String tenant : settings.tenants()) {
      ScheduleClient schedules = ScheduleClient.newInstance(stubs,
          ScheduleClientOptions.newBuilder().setNamespace(tenant).build());
      Schedule schedule = Schedule.newBuilder()
          .setAction(ScheduleActionStartWorkflow.newBuilder()
              .setWorkflowType(CleanupWorkflow.class)
              .setArguments(tenant, settings.archiveAfter().toMillis(), settings.deleteAfter().toMillis())
              .setOptions(WorkflowOptions.newBuilder()
                  .setWorkflowId("chat-cleanup")
                  .setTaskQueue(settings.taskQueue())
                  .build())
              .build())
          .setSpec(ScheduleSpec.newBuilder()
              .setIntervals(List.of(new ScheduleIntervalSpec(settings.cleanupEvery())))
              .build())
          .build();
      Schedules.createIfMissing(schedules, CleanupWorkflow.SCHEDULE_ID, schedule,
          "cleanup of tenant " + tenant + " every " + settings.cleanupEvery());
    }
  }
}
