package dev.sundial.persistence.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresConfigTest {
  @Test
  void parsesPostgresUrls() {
    PostgresConfig c = PostgresConfig.parse("postgres://alice:p%40ss@db.example:6543/app?schema=s1&pool=3");
    assertThat(c).isEqualTo(new PostgresConfig("jdbc:postgresql://db.example:6543/app", "alice",
        "p@ss", "s1", 3));
    PostgresConfig d = PostgresConfig.parse("postgresql://bob@localhost/app?sslmode=require");
    assertThat(d.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/app?sslmode=require");
    assertThat(d.user()).isEqualTo("bob");
    assertThat(d.password()).isNull();
    assertThat(d.schema()).isEqualTo("public");
    assertThat(d.poolSize()).isEqualTo(10);
  }

  @Test
  void parsesJdbcUrlsTakingCredentialsOutOfTheUrl() {
    PostgresConfig c = PostgresConfig.parse(
        "jdbc:postgresql://127.0.0.1:55432/sundial?user=sundial&password=pw&ssl=false&pool=2");
    assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:55432/sundial?ssl=false");
    assertThat(c.user()).isEqualTo("sundial");
    assertThat(c.password()).isEqualTo("pw");
    assertThat(c.poolSize()).isEqualTo(2);
    assertThat(c.withPassword("new").password()).isEqualTo("new");
  }

  @Test
  void neverPrintsThePassword() {
    PostgresConfig c = PostgresConfig.parse("postgres://alice:hunter2@h/db");
    assertThat(c.toString()).doesNotContain("hunter2").contains("alice").contains("***");
  }

  @Test
  void badUrlsNameTheProblem() {
    assertThatThrownBy(() -> PostgresConfig.parse("mysql://h/db"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("postgres://");
    assertThatThrownBy(() -> PostgresConfig.parse("postgres://u:secret@h"))
        .hasMessageContaining("database").hasMessageNotContaining("secret");
    assertThatThrownBy(() -> PostgresConfig.parse("postgres://h/db?pool=x"))
        .hasMessageContaining("pool");
    assertThatThrownBy(() -> PostgresConfig.parse("postgres://h/db?pool=0"))
        .hasMessageContaining("pool");
    assertThatThrownBy(() -> PostgresConfig.parse("postgres://h/db?schema=a;drop"))
        .hasMessageContaining("schema");
    assertThatThrownBy(() -> PostgresConfig.parse(""))
        .hasMessageContaining("empty");
  }
}
