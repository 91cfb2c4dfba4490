package dev.sundial.examples.pipeline;

import dev.sundial.examples.support.ChatModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The AI request pipeline: a REST API in front of a workflow of three activities (validate, call
 * the model, process and store), on an embedded Sundial unless {@code --temporal-address} or
 * {@code TEMPORAL_HOST} names a server.
 */
@SpringBootApplication
public class PipelineApplication {
  private static final Logger log = LoggerFactory.getLogger(PipelineApplication.class);

  public static void main(String[] args) {
    SpringApplication.run(PipelineApplication.class, args);
  }

  @Bean
  ChatModel chatModel(Environment env) {
    ChatModel model = ChatModel.fromEnvironment(env::getProperty);
    log.info("Model: {}", model.name());
    return model;
  }
}
