package dev.sundial.persistence;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The store SPI, its JDBC base and the dialects have no package cycles. */
@AnalyzeClasses(packages = "dev.sundial.persistence", importOptions = ImportOption.DoNotIncludeTests.class)
class PersistencePackagesTest {
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.sundial.(**)").should().beFreeOfCycles();
}
