package dev.sundial.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Package rules of the engine that hold today and must keep holding (docs/architecture.md): no
 * package cycles, the run state model below every feature, no feature package reaching up into the
 * engine's wiring and operations, and the database reached only through the store SPI.
 */
@AnalyzeClasses(
    packages = "dev.sundial.engine",
    importOptions = ImportOption.DoNotIncludeTests.class)
class EngineLayersTest {
  @ArchTest
  static final ArchRule noPackageCycles =
      slices()
          .matching("dev.sundial.(**)")
          .should()
          .beFreeOfCycles()
          .because("each package is a layer that can be read and changed without those above it");

  @ArchTest
  static final ArchRule theRunStateDependsOnNoFeature =
      noClasses()
          .that()
          .resideInAPackage("dev.sundial.engine.state..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.sundial.engine", "dev.sundial.engine.history..", "dev.sundial.engine.shard..",
              "dev.sundial.engine.cluster..", "dev.sundial.engine.visibility..",
              "dev.sundial.engine.namespace..", "dev.sundial.engine.timer..")
          .because(
              "the run state and its codec are what shards cache and features change; they know"
                  + " nothing of either");

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
