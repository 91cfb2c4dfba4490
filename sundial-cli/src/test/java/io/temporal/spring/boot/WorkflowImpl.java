package io.temporal.spring.boot;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Test stand-in for the Spring Boot starter's marker (the starter itself is not a dependency):
 * `workflow replay` finds implementation classes by this annotation's name in their class files.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface WorkflowImpl {
  String[] taskQueues() default {};
}
