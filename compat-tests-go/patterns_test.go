package compat

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

func eventsOf(key string) []string {
	var mine []string
	for _, e := range recordedEvents() {
		if strings.HasSuffix(e, " "+key) {
			mine = append(mine, e)
		}
	}
	return mine
}

func TestSagaCompensatesTheBookedStepsInReverse(t *testing.T) {
	id := workflowID(t)
	err := start(t, id, SagaWorkflow, id, "car").Get(testContext(t), nil)
	var failure *temporal.ApplicationError
	if !errors.As(err, &failure) || !strings.Contains(failure.Error(), "booking "+id+" failed and was undone") {
		t.Fatalf("result: %v", err)
	}
	want := []string{"record book flight " + id, "record book hotel " + id, "refuse book car " + id,
		"record cancel hotel " + id, "record cancel flight " + id}
	if got := eventsOf(id); !slices.Equal(got, want) {
		t.Fatalf("steps %v, want %v", got, want)
	}
}

func TestSagaWithoutFailureCompensatesNothing(t *testing.T) {
	id := workflowID(t)
	got := get[[]string](t, start(t, id, SagaWorkflow, id, "none"))
	if !slices.Equal(got, []string{"cancel flight " + id, "cancel hotel " + id, "cancel car " + id}) {
		t.Fatalf("result %v", got)
	}
	for _, e := range eventsOf(id) {
		if strings.HasPrefix(e, "record cancel") {
			t.Fatalf("compensated without a failure: %v", eventsOf(id))
		}
	}
}

func TestScheduleStartsWorkflows(t *testing.T) {
	id := workflowID(t)
	ctx := testContext(t)
	schedule, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   id,
		Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Second}}},
		Action: &client.ScheduleWorkflowAction{
			ID: id + "-wf", Workflow: GreetingWorkflow, Args: []interface{}{"schedule"}, TaskQueue: taskQueue,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var started *client.ScheduleWorkflowExecution
	eventually(t, "the schedule to start a workflow", func() bool {
		d, err := schedule.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Info.RecentActions) == 0 {
			return false
		}
		started = d.Info.RecentActions[0].StartWorkflowResult
		return true
	})
	if !strings.HasPrefix(started.WorkflowID, id+"-wf") {
		t.Fatalf("started %s", started.WorkflowID)
	}
	equal(t, get[string](t, c.GetWorkflow(ctx, started.WorkflowID, started.FirstExecutionRunID)), "Hello, schedule!")
	listed := false
	iter, err := c.ScheduleClient().List(ctx, client.ScheduleListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for iter.HasNext() {
		s, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		listed = listed || s.ID == id
	}
	if !listed {
		t.Fatal("the schedule is not listed")
	}
	if err := schedule.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = schedule.Describe(ctx)
	var notFound *serviceerror.NotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("describe after delete: %v", err)
	}
}

func listWorkflows(t *testing.T, query string) []string {
	t.Helper()
	resp, err := c.ListWorkflow(testContext(t), &workflowservice.ListWorkflowExecutionsRequest{Query: query})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range resp.Executions {
		ids = append(ids, e.GetExecution().GetWorkflowId())
	}
	return ids
}

func TestSearchAttributesAndListQuery(t *testing.T) {
	id := workflowID(t)
	customer := "c-" + id
	run, err := c.ExecuteWorkflow(testContext(t), client.StartWorkflowOptions{
		ID: id, TaskQueue: taskQueue, TypedSearchAttributes: temporal.NewSearchAttributes(customerKey.ValueSet(customer)),
	}, StagedWorkflow, "packing")
	if err != nil {
		t.Fatal(err)
	}
	query := fmt.Sprintf(`CustomerId = "%s" AND Stage = "packing" AND ExecutionStatus = "Running"`, customer)
	eventually(t, "the workflow to be listed by its search attributes", func() bool {
		return slices.Equal(listWorkflows(t, query), []string{id})
	})
	count, err := c.CountWorkflow(testContext(t), &workflowservice.CountWorkflowExecutionsRequest{Query: fmt.Sprintf(`CustomerId = "%s"`, customer)})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, count.Count, int64(1))
	signal(t, id, "finish", nil)
	equal(t, get[string](t, run), customer)
	equal(t, len(listWorkflows(t, fmt.Sprintf(`CustomerId = "%s" AND ExecutionStatus = "Completed"`, customer))), 1)
}
