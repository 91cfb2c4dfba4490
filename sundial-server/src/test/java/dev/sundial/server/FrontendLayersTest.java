package dev.sundial.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The frontend asks the engine's operations; it never reads or changes a run's state itself. Its
 * packages have no cycles.
 */
@AnalyzeClasses(
    packages = "dev.sundial.server",
    importOptions = ImportOption.DoNotIncludeTests.class)
class FrontendLayersTest {
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.sundial.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule theFrontendDoesNotTouchRunState =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.sundial.engine.shard..", "dev.sundial.engine.describe..")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("dev.sundial.engine.state.MutableState")
          .because("describe, like every RPC, is an engine operation the frontend calls");
}
