package dev.sundial.engine.history.command;

import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.visibility.SearchAttributeValidator;
import io.temporal.api.command.v1.ContinueAsNewWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.ModifyWorkflowPropertiesCommandAttributes;
import io.temporal.api.command.v1.StartChildWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.UpsertWorkflowSearchAttributesCommandAttributes;
import io.temporal.api.common.v1.SearchAttributes;

/**
 * Search attributes and memo in workflow task commands: the checks that fail a workflow task with
 * BAD_SEARCH_ATTRIBUTES (or BAD_MODIFY_WORKFLOW_PROPERTIES_ATTRIBUTES) and their messages, as
 * Temporal words them, and applying the changes to the run.
 */
public final class SearchAttributeCommands {
  private SearchAttributeCommands() {}

  /** Why an UpsertWorkflowSearchAttributes command is invalid, or null. */
  public static String checkUpsert(
      EngineContext ctx, MutableState s, UpsertWorkflowSearchAttributesCommandAttributes a) {
    if (!a.hasSearchAttributes()) {
      return "SearchAttributes is not set on UpsertWorkflowSearchAttributesCommand.";
    }
    if (a.getSearchAttributes().getIndexedFieldsCount() == 0) {
      return "IndexedFields is not set on UpsertWorkflowSearchAttributesCommand.";
    }
    return check(ctx, s.namespaceId, a.getSearchAttributes());
  }

  /** Why a ModifyWorkflowProperties command is invalid, or null. */
  public static String checkModifyProperties(ModifyWorkflowPropertiesCommandAttributes a) {
    if (!a.hasUpsertedMemo()) {
      return "UpsertedMemo is not set on ModifyWorkflowPropertiesCommand.";
    }
    if (a.getUpsertedMemo().getFieldsCount() == 0) {
      return "UpsertedMemo.Fields is not set on ModifyWorkflowPropertiesCommand.";
    }
    return null;
  }

  /** Why a child's search attributes are invalid (checked in the child's namespace), or null. */
  public static String checkChild(
      EngineContext ctx, MutableState s, StartChildWorkflowExecutionCommandAttributes a) {
    String nsId = childNamespaceId(ctx, s, a);
    String err = nsId == null ? null : check(ctx, nsId, a.getSearchAttributes());
    return err == null
        ? null
        : "invalid SearchAttributes on StartChildWorkflowCommand: " + err + ". WorkflowId="
            + a.getWorkflowId() + " WorkflowType=" + a.getWorkflowType().getName()
            + " Namespace=" + a.getNamespace();
  }

  /** Why a continue-as-new's search attributes are invalid, or null. */
  public static String checkContinueAsNew(
      EngineContext ctx, MutableState s, ContinueAsNewWorkflowExecutionCommandAttributes a) {
    String err = check(ctx, s.namespaceId, a.getSearchAttributes());
    return err == null
        ? null
        : "invalid SearchAttributes on ContinueAsNewWorkflowExecutionCommand: " + err
            + ". WorkflowType="
            + (a.getWorkflowType().getName().isEmpty() ? s.workflowType() : a.getWorkflowType().getName())
            + " TaskQueue="
            + (a.getTaskQueue().getName().isEmpty() ? s.taskQueue() : a.getTaskQueue().getName());
  }

  /** The child command with its search attributes {@link SearchAttributeValidator#typed typed}. */
  public static StartChildWorkflowExecutionCommandAttributes typed(
      EngineContext ctx, MutableState s, StartChildWorkflowExecutionCommandAttributes a) {
    String nsId = childNamespaceId(ctx, s, a);
    if (!a.hasSearchAttributes() || nsId == null) {
      return a;
    }
    return a.toBuilder()
        .setSearchAttributes(
            SearchAttributeValidator.typed(ctx.searchAttributes, nsId, a.getSearchAttributes(), false))
        .build();
  }

  /** The continue-as-new command with its search attributes typed. */
  public static ContinueAsNewWorkflowExecutionCommandAttributes typed(
      EngineContext ctx, MutableState s, ContinueAsNewWorkflowExecutionCommandAttributes a) {
    if (!a.hasSearchAttributes()) {
      return a;
    }
    return a.toBuilder()
        .setSearchAttributes(
            SearchAttributeValidator.typed(
                ctx.searchAttributes, s.namespaceId, a.getSearchAttributes(), false))
        .build();
  }

  /** The upserted search attributes, typed (values that unset an attribute kept). */
  public static SearchAttributes typed(
      EngineContext ctx, MutableState s, UpsertWorkflowSearchAttributesCommandAttributes a) {
    return SearchAttributeValidator.typed(
        ctx.searchAttributes, s.namespaceId, a.getSearchAttributes(), true);
  }

  private static String check(EngineContext ctx, String namespaceId, SearchAttributes sa) {
    if (ctx.searchAttributes == null || sa.getIndexedFieldsCount() == 0) {
      return null;
    }
    String name = namespaceId;
    try {
      name = ctx.namespaces.byId(namespaceId).name();
    } catch (RuntimeException e) {
      // unknown namespace: reported by the command's own checks
    }
    return SearchAttributeValidator.check(ctx.searchAttributes, namespaceId, name, sa);
  }

  private static String childNamespaceId(
      EngineContext ctx, MutableState s, StartChildWorkflowExecutionCommandAttributes a) {
    if (a.getNamespace().isEmpty()) {
      return s.namespaceId;
    }
    try {
      return ctx.namespaces.byName(a.getNamespace()).id();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
