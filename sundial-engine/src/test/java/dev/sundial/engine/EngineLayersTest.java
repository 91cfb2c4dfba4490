package dev.sundial.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Package rules of the engine that hold today and must keep holding (docs/architecture.md). The
 * building blocks never reach up into the engine's wiring and operations; the engine reaches the
 * database only through the store SPI.
 */
@AnalyzeClasses(
    packages = "dev.sundial.engine",
    importOptions = ImportOption.DoNotIncludeTests.class)
class EngineLayersTest {
  @ArchTest
  static final ArchRule buildingBlocksDoNotReachUpIntoTheEngine =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.sundial.engine.history..", "dev.sundial.engine.visibility..",
              "dev.sundial.engine.describe..", "dev.sundial.engine.namespace..",
              "dev.sundial.engine.shard..", "dev.sundial.engine.timer..",
              "dev.sundial.engine.matching..", "dev.sundial.engine.query..",
              "dev.sundial.engine.retention..", "dev.sundial.engine.api..",
              "dev.sundial.engine.cluster..",
              "dev.sundial.engine.proto..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.sundial.engine")
          .because("Engine and the operations wire the building blocks together, not the reverse");

  @ArchTest
  static final ArchRule stateChangesFromHistoryAreNotReplayedOutsideResets =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "dev.sundial.engine.history.replay..", "dev.sundial.engine.history.reset..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.sundial.engine.history.replay..")
          .because(
              "the live path applies each event as it appends it; only a reset rebuilds a run");

  @ArchTest
  static final ArchRule theEngineUsesOnlyTheStoreSpi =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.sundial.persistence.jdbc..", "dev.sundial.persistence.sqlite..",
              "dev.sundial.persistence.postgres..", "java.sql..")
          .because("the engine talks to the database only through the store interfaces");
}
