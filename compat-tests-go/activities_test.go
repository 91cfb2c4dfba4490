package compat

import (
	"slices"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
)

func TestActivityResult(t *testing.T) {
	equal(t, get[string](t, start(t, workflowID(t), GreetingWorkflow, "Go")), "Hello, Go!")
}

func TestActivityRetriesUntilItSucceeds(t *testing.T) {
	run := start(t, workflowID(t), RetryWorkflow, int32(3))
	equal(t, get[int32](t, run), 3)
	var started []int32
	var lastFailure string
	for _, e := range history(t, c, run.GetID(), run.GetRunID()) {
		if a := e.GetActivityTaskStartedEventAttributes(); a != nil {
			started = append(started, a.Attempt)
			lastFailure = a.GetLastFailure().GetMessage()
		}
	}
	if !slices.Equal(started, []int32{3}) || !strings.Contains(lastFailure, "attempt 2 failed") {
		t.Fatalf("started events %v, last failure %q", started, lastFailure)
	}
}

func TestActivityTimeouts(t *testing.T) {
	for kind, want := range map[string]string{
		"start_to_close":    "TIMEOUT_TYPE_START_TO_CLOSE",
		"schedule_to_close": "TIMEOUT_TYPE_SCHEDULE_TO_CLOSE",
		"schedule_to_start": "TIMEOUT_TYPE_SCHEDULE_TO_START",
		"heartbeat":         "TIMEOUT_TYPE_HEARTBEAT",
	} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			equal(t, get[string](t, start(t, workflowID(t), TimeoutWorkflow, kind)), want)
		})
	}
}

func TestHeartbeatDetailsReachTheRetry(t *testing.T) {
	// The first attempt heartbeated 3 before failing.
	equal(t, get[int](t, start(t, workflowID(t), HeartbeatWorkflow, 3)), 4)
}

func TestCancellingAnActivityReachesItThroughItsHeartbeat(t *testing.T) {
	id := workflowID(t)
	run := start(t, id, CancelActivityWorkflow, id)
	ctx := testContext(t)
	eventually(t, "the activity to start and heartbeat", func() bool {
		d, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			t.Fatal(err)
		}
		p := d.GetPendingActivities()
		return len(p) == 1 && p[0].State == enumspb.PENDING_ACTIVITY_STATE_STARTED && p[0].HeartbeatDetails != nil
	})
	if err := c.SignalWorkflow(ctx, id, "", "cancel_activity", nil); err != nil {
		t.Fatal(err)
	}
	equal(t, get[string](t, run), "canceled")
	if !slices.Contains(recordedEvents(), "cancelled "+id) {
		t.Fatalf("the activity did not see its cancellation: %v", recordedEvents())
	}
}
