package dev.sundial.examples.pipeline;

import dev.sundial.examples.support.PostgresSchema;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same tests with the application's database on PostgreSQL ({@code DATABASE_URL}'s path). */
@EnabledIfEnvironmentVariable(named = PostgresSchema.URL_VARIABLE, matches = ".+")
class PipelinePostgresTest extends PipelineApplicationTest {
  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry r) {
    String url = PostgresSchema.newSchemaUrl();
    r.add("spring.datasource.url", () -> url);
  }
}
