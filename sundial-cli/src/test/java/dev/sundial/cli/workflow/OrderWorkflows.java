package dev.sundial.cli.workflow;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The workflows the CLI tests drive: the shapes users' scripts expect. */
final class OrderWorkflows {
  private OrderWorkflows() {}

  /** Input of OrderProcessing, as a script passes it: {"data": "value"}. */
  public static final class Order {
    public String data;
  }

  @WorkflowInterface
  public interface OrderProcessing {
    @WorkflowMethod(name = "OrderProcessing")
    String process(Order order);

    @QueryMethod
    String getStatus();

    @SignalMethod
    void updateData(Order order);

    @SignalMethod
    void finish();

    @UpdateMethod
    String setData(Order order);

    @UpdateValidatorMethod(updateName = "setData")
    void validateSetData(Order order);
  }

  public static final class OrderProcessingImpl implements OrderProcessing {
    private String data;
    private boolean done;

    @Override
    public String process(Order order) {
      data = order.data;
      Workflow.await(() -> done);
      return "processed " + data;
    }

    @Override
    public String getStatus() {
      return "data=" + data;
    }

    @Override
    public void updateData(Order order) {
      data = order.data;
    }

    @Override
    public void finish() {
      done = true;
    }

    @Override
    public String setData(Order order) {
      String before = data;
      data = order.data;
      return before + " -> " + data;
    }

    @Override
    public void validateSetData(Order order) {
      if ("bad".equals(order.data)) {
        throw new IllegalArgumentException("bad data");
      }
    }
  }

  @WorkflowInterface
  public interface Greeting {
    @WorkflowMethod(name = "Greeting")
    String greet(String name);
  }

  public static final class GreetingImpl implements Greeting {
    @Override
    public String greet(String name) {
      if (name.equals("fail")) {
        throw ApplicationFailure.newNonRetryableFailure("no greeting for you", "Refused");
      }
      return "Hello " + name;
    }
  }

  @WorkflowInterface
  public interface Parent {
    @WorkflowMethod(name = "Parent")
    String run(String name);
  }

  /** Two Greeting children, one after the other. */
  public static final class ParentImpl implements Parent {
    @Override
    public String run(String name) {
      String a = Workflow.newChildWorkflowStub(Greeting.class).greet(name + "-1");
      String b = Workflow.newChildWorkflowStub(Greeting.class).greet(name + "-2");
      return a + ", " + b;
    }
  }
}
