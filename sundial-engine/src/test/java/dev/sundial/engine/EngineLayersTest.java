package dev.sundial.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Package rules of the engine that hold today and must keep holding (docs/architecture.md): no
 * feature package reaches up into the engine's wiring and operations, and the engine reaches the
 * database only through the store SPI.
 */
@AnalyzeClasses(
    packages = "dev.sundial.engine",
    importOptions = ImportOption.DoNotIncludeTests.class)
class EngineLayersTest {
  @ArchTest
  static final ArchRule nothingDependsOnTheEngineItsWiring =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.sundial.engine")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.sundial.engine")
          .because(
              "Engine and the operations wire the features together (they get narrow interfaces:"
                  + " ShardMap, RunRouter, RunStates, ...), not the reverse");

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
