package dev.sundial.cli;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The command packages have no cycles: the shared helpers sit below every command. */
@AnalyzeClasses(packages = "dev.sundial.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class CliPackagesTest {
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.sundial.(**)").should().beFreeOfCycles();
}
