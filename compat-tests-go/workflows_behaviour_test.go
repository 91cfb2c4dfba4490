package compat

import (
	"errors"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

func TestTimer(t *testing.T) {
	if elapsed := get[time.Duration](t, start(t, workflowID(t), TimerWorkflow, time.Second)); elapsed < time.Second {
		t.Fatalf("slept %v", elapsed)
	}
}

func queryTotal(t *testing.T, id string) int {
	t.Helper()
	value, err := c.QueryWorkflow(testContext(t), id, "", "total")
	if err != nil {
		t.Fatal(err)
	}
	var total int
	if err := value.Get(&total); err != nil {
		t.Fatal(err)
	}
	return total
}

func signal(t *testing.T, id, name string, arg interface{}) {
	t.Helper()
	if err := c.SignalWorkflow(testContext(t), id, "", name, arg); err != nil {
		t.Fatal(err)
	}
}

func TestSignalsAndQuery(t *testing.T) {
	id := workflowID(t)
	run := start(t, id, AccumulatorWorkflow)
	signal(t, id, "add", 2)
	signal(t, id, "add", 3)
	eventually(t, "the query to see both signals", func() bool { return queryTotal(t, id) == 5 })
	signal(t, id, "finish", nil)
	equal(t, get[int](t, run), 5)
}

func TestSignalWithStart(t *testing.T) {
	id := workflowID(t)
	options := client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue}
	run, err := c.SignalWithStartWorkflow(testContext(t), id, "add", 7, options, AccumulatorWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	// A second signal-with-start signals the running workflow instead of starting another.
	again, err := c.SignalWithStartWorkflow(testContext(t), id, "add", 1, options, AccumulatorWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, again.GetRunID(), run.GetRunID())
	signal(t, id, "finish", nil)
	equal(t, get[int](t, run), 8)
}

func TestStackTraceQuery(t *testing.T) {
	id := workflowID(t)
	start(t, id, AccumulatorWorkflow)
	value, err := c.QueryWorkflow(testContext(t), id, "", "__stack_trace")
	if err != nil {
		t.Fatal(err)
	}
	var trace string
	if err := value.Get(&trace); err != nil {
		t.Fatal(err)
	}
	// The SDK answers with its coroutines: the workflow's is blocked in its selector.
	if !strings.Contains(trace, "coroutine root [blocked on selector-") || !strings.Contains(trace, "AccumulatorWorkflow") {
		t.Fatalf("stack trace:\n%s", trace)
	}
	if err := c.TerminateWorkflow(testContext(t), id, "", "done"); err != nil {
		t.Fatal(err)
	}
}

func update(t *testing.T, id string, n int) (int, error) {
	t.Helper()
	handle, err := c.UpdateWorkflow(testContext(t), client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateName: "add_and_get", Args: []interface{}{n}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return 0, err
	}
	var total int
	err = handle.Get(testContext(t), &total)
	return total, err
}

func TestUpdateWithValidator(t *testing.T) {
	id := workflowID(t)
	run := start(t, id, AccumulatorWorkflow)
	total, err := update(t, id, 4)
	if err != nil || total != 4 {
		t.Fatalf("update: %v, %v", total, err)
	}
	_, err = update(t, id, -1)
	var refused *temporal.ApplicationError
	if !errors.As(err, &refused) || !strings.Contains(refused.Error(), "negative") {
		t.Fatalf("a negative update was not refused by the validator: %v", err)
	}
	total, err = update(t, id, 6)
	if err != nil || total != 10 {
		t.Fatalf("update: %v, %v", total, err)
	}
	accepted := 0
	for _, e := range history(t, c, id, "") {
		if e.GetWorkflowExecutionUpdateAcceptedEventAttributes() != nil {
			accepted++
		}
	}
	equal(t, accepted, 2) // a refused update leaves no trace in history
	signal(t, id, "finish", nil)
	equal(t, get[int](t, run), 10)
}

func TestChildWorkflow(t *testing.T) {
	id := workflowID(t)
	equal(t, get[string](t, start(t, id, ParentWorkflow, "child")), "child said: Hello, child!")
	child, err := c.DescribeWorkflowExecution(testContext(t), id+"-child", "")
	if err != nil {
		t.Fatal(err)
	}
	info := child.GetWorkflowExecutionInfo()
	equal(t, info.Status, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED)
	equal(t, info.GetParentExecution().GetWorkflowId(), id)
}

func TestContinueAsNew(t *testing.T) {
	id := workflowID(t)
	run := start(t, id, CountdownWorkflow, 3, 1)
	firstRunID := run.GetRunID() // Get follows the chain, and GetRunID with it
	equal(t, get[int](t, run), 4)
	first, err := c.DescribeWorkflowExecution(testContext(t), id, firstRunID)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, first.GetWorkflowExecutionInfo().Status, enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW)
	latest, err := c.DescribeWorkflowExecution(testContext(t), id, "")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, latest.GetWorkflowExecutionInfo().Status, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED)
	if latest.GetWorkflowExecutionInfo().GetExecution().GetRunId() == firstRunID {
		t.Fatal("the last run is the first one")
	}
}

func timerStarted(t *testing.T, cl client.Client, id string) bool {
	for _, e := range history(t, cl, id, "") {
		if e.GetTimerStartedEventAttributes() != nil {
			return true
		}
	}
	return false
}

func TestCancellationRunsTheWorkflowsCleanup(t *testing.T) {
	id := workflowID(t)
	run := start(t, id, CancellableWorkflow, id)
	eventually(t, "the workflow to start its timer", func() bool { return timerStarted(t, c, id) })
	if err := c.CancelWorkflow(testContext(t), id, ""); err != nil {
		t.Fatal(err)
	}
	err := run.Get(testContext(t), nil)
	var canceled *temporal.CanceledError
	if !errors.As(err, &canceled) {
		t.Fatalf("result: %v", err)
	}
	if !containsEvent("record cleanup " + id) {
		t.Fatalf("no cleanup: %v", recordedEvents())
	}
	d, err := c.DescribeWorkflowExecution(testContext(t), id, "")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, d.GetWorkflowExecutionInfo().Status, enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED)
}

func containsEvent(e string) bool {
	for _, r := range recordedEvents() {
		if r == e {
			return true
		}
	}
	return false
}

func TestTermination(t *testing.T) {
	id := workflowID(t)
	run := start(t, id, CancellableWorkflow, id)
	if err := c.TerminateWorkflow(testContext(t), id, "", "stopped by the test"); err != nil {
		t.Fatal(err)
	}
	err := run.Get(testContext(t), nil)
	var terminated *temporal.TerminatedError
	if !errors.As(err, &terminated) {
		t.Fatalf("result: %v", err)
	}
	d, err := c.DescribeWorkflowExecution(testContext(t), id, "")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, d.GetWorkflowExecutionInfo().Status, enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED)
	if containsEvent("record cleanup " + id) {
		t.Fatal("a terminated workflow ran its cleanup")
	}
}

func TestDescribe(t *testing.T) {
	id := workflowID(t)
	run, err := c.ExecuteWorkflow(testContext(t), client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue, Memo: map[string]interface{}{"owner": "go"}}, AccumulatorWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeWorkflowExecution(testContext(t), id, "")
	if err != nil {
		t.Fatal(err)
	}
	info := d.GetWorkflowExecutionInfo()
	equal(t, info.GetExecution().GetRunId(), run.GetRunID())
	equal(t, info.GetType().GetName(), "AccumulatorWorkflow")
	equal(t, info.GetTaskQueue(), taskQueue)
	equal(t, info.Status, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING)
	equal(t, string(info.GetMemo().GetFields()["owner"].GetData()), `"go"`)
	if info.GetStartTime() == nil || info.GetCloseTime() != nil {
		t.Fatalf("start %v, close %v", info.GetStartTime(), info.GetCloseTime())
	}
	signal(t, id, "finish", nil)
	get[int](t, run)
	d, err = c.DescribeWorkflowExecution(testContext(t), id, "")
	if err != nil {
		t.Fatal(err)
	}
	info = d.GetWorkflowExecutionInfo()
	equal(t, info.Status, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED)
	if info.GetCloseTime().AsTime().Before(info.GetStartTime().AsTime()) || info.GetHistoryLength() == 0 {
		t.Fatalf("close %v before start %v, or history length %d", info.GetCloseTime(), info.GetStartTime(), info.GetHistoryLength())
	}
}
