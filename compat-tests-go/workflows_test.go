package compat

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Activities run in the test process; they record what they did in events.
var (
	eventsMu sync.Mutex
	events   []string
)

func recordEvent(e string) {
	eventsMu.Lock()
	defer eventsMu.Unlock()
	events = append(events, e)
}

func recordedEvents() []string {
	eventsMu.Lock()
	defer eventsMu.Unlock()
	return append([]string(nil), events...)
}

var (
	customerKey = temporal.NewSearchAttributeKeyKeyword("CustomerId")
	stageKey    = temporal.NewSearchAttributeKeyKeyword("Stage")
)

func Greet(_ context.Context, name string) (string, error) { return "Hello, " + name + "!", nil }

// FailUntil fails until its attempt number reaches attempts, then returns that number.
func FailUntil(ctx context.Context, attempts int32) (int32, error) {
	attempt := activity.GetInfo(ctx).Attempt
	if attempt < attempts {
		return 0, fmt.Errorf("attempt %d failed", attempt)
	}
	return attempt, nil
}

func SleepFor(ctx context.Context, d time.Duration) (string, error) {
	select {
	case <-time.After(d):
		return "slept", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// ResumeFromHeartbeat heartbeats 0..5; the first attempt fails at failAt; a retry starts after
// the last heartbeat and returns where it started.
func ResumeFromHeartbeat(ctx context.Context, failAt int) (int, error) {
	start := 0
	if activity.HasHeartbeatDetails(ctx) {
		var last int
		if err := activity.GetHeartbeatDetails(ctx, &last); err != nil {
			return 0, err
		}
		start = last + 1
	}
	for i := start; i < 6; i++ {
		activity.RecordHeartbeat(ctx, i)
		if activity.GetInfo(ctx).Attempt == 1 && i == failAt {
			return 0, fmt.Errorf("failed at %d", i)
		}
	}
	return start, nil
}

func HeartbeatUntilCancelled(ctx context.Context, key string) (string, error) {
	for {
		activity.RecordHeartbeat(ctx, "working")
		select {
		case <-ctx.Done():
			recordEvent("cancelled " + key)
			return "", ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func Record(_ context.Context, step string) (string, error) {
	recordEvent("record " + step)
	return step, nil
}

func Refuse(_ context.Context, step string) (string, error) {
	recordEvent("refuse " + step)
	return "", temporal.NewNonRetryableApplicationError(step+" refused", "Refused", nil)
}

func withActivity(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
}

// describeFailure names an activity failure's cause: "TIMEOUT_TYPE_START_TO_CLOSE", "canceled", ...
func describeFailure(err error) string {
	var timeout *temporal.TimeoutError
	if errors.As(err, &timeout) {
		return enumspb.TimeoutType_name[int32(timeout.TimeoutType())]
	}
	if temporal.IsCanceledError(err) {
		return "canceled"
	}
	return "other: " + err.Error()
}

func GreetingWorkflow(ctx workflow.Context, name string) (string, error) {
	var greeting string
	err := workflow.ExecuteActivity(withActivity(ctx), Greet, name).Get(ctx, &greeting)
	return greeting, err
}

func RetryWorkflow(ctx workflow.Context, attempts int32) (int32, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 100 * time.Millisecond, BackoffCoefficient: 1},
	})
	var attempt int32
	err := workflow.ExecuteActivity(ctx, FailUntil, attempts).Get(ctx, &attempt)
	return attempt, err
}

// TimeoutWorkflow runs one activity with the timeouts of kind; returns how it failed.
func TimeoutWorkflow(ctx workflow.Context, kind string) (string, error) {
	once := &temporal.RetryPolicy{MaximumAttempts: 1}
	fast := &temporal.RetryPolicy{InitialInterval: 100 * time.Millisecond}
	var options workflow.ActivityOptions
	var fn interface{} = SleepFor
	arg := interface{}(30 * time.Second)
	switch kind {
	case "start_to_close":
		options = workflow.ActivityOptions{StartToCloseTimeout: time.Second, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 2, InitialInterval: 100 * time.Millisecond}}
	case "schedule_to_close":
		options = workflow.ActivityOptions{ScheduleToCloseTimeout: 2 * time.Second, StartToCloseTimeout: 700 * time.Millisecond, RetryPolicy: fast}
	case "schedule_to_start":
		options = workflow.ActivityOptions{TaskQueue: "go-compat-nobody-polls", ScheduleToStartTimeout: time.Second, StartToCloseTimeout: 5 * time.Second, RetryPolicy: once}
		fn, arg = Greet, "nobody"
	case "heartbeat":
		options = workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second, HeartbeatTimeout: time.Second, RetryPolicy: once}
	default:
		return "", temporal.NewNonRetryableApplicationError("unknown timeout kind "+kind, "BadKind", nil)
	}
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, options), fn, arg).Get(ctx, nil)
	if err == nil {
		return "completed", nil
	}
	return describeFailure(err), nil
}

func HeartbeatWorkflow(ctx workflow.Context, failAt int) (int, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second, HeartbeatTimeout: 5 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 100 * time.Millisecond},
	})
	var start int
	err := workflow.ExecuteActivity(ctx, ResumeFromHeartbeat, failAt).Get(ctx, &start)
	return start, err
}

// CancelActivityWorkflow starts a heartbeating activity, cancels it when signalled and returns
// how the activity ended.
func CancelActivityWorkflow(ctx workflow.Context, key string) (string, error) {
	activityCtx, cancel := workflow.WithCancel(ctx)
	activityCtx = workflow.WithActivityOptions(activityCtx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute, HeartbeatTimeout: 2 * time.Second, WaitForCancellation: true,
	})
	future := workflow.ExecuteActivity(activityCtx, HeartbeatUntilCancelled, key)
	workflow.GetSignalChannel(ctx, "cancel_activity").Receive(ctx, nil)
	cancel()
	if err := future.Get(ctx, nil); err != nil {
		return describeFailure(err), nil
	}
	return "completed", nil
}

// TimerWorkflow sleeps on a durable timer; returns the workflow time that passed.
func TimerWorkflow(ctx workflow.Context, d time.Duration) (time.Duration, error) {
	before := workflow.Now(ctx)
	if err := workflow.Sleep(ctx, d); err != nil {
		return 0, err
	}
	return workflow.Now(ctx).Sub(before), nil
}

// AccumulatorWorkflow adds signalled and updated numbers until "finish"; queried for its total.
func AccumulatorWorkflow(ctx workflow.Context) (int, error) {
	total := 0
	finished := false
	if err := workflow.SetQueryHandler(ctx, "total", func() (int, error) { return total, nil }); err != nil {
		return 0, err
	}
	err := workflow.SetUpdateHandlerWithOptions(ctx, "add_and_get",
		func(ctx workflow.Context, n int) (int, error) {
			total += n
			return total, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, n int) error {
			if n < 0 {
				return fmt.Errorf("cannot add %d: negative", n)
			}
			return nil
		}})
	if err != nil {
		return 0, err
	}
	add := workflow.GetSignalChannel(ctx, "add")
	finish := workflow.GetSignalChannel(ctx, "finish")
	for !finished {
		selector := workflow.NewSelector(ctx)
		selector.AddReceive(add, func(c workflow.ReceiveChannel, _ bool) {
			var n int
			c.Receive(ctx, &n)
			total += n
		})
		selector.AddReceive(finish, func(c workflow.ReceiveChannel, _ bool) {
			c.Receive(ctx, nil)
			finished = true
		})
		selector.Select(ctx)
	}
	return total, nil
}

func ParentWorkflow(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID + "-child"})
	var child string
	if err := workflow.ExecuteChildWorkflow(ctx, GreetingWorkflow, name).Get(ctx, &child); err != nil {
		return "", err
	}
	return "child said: " + child, nil
}

// CountdownWorkflow continues as new with n-1 until n is 0; returns how many runs there were.
func CountdownWorkflow(ctx workflow.Context, n, runs int) (int, error) {
	if n == 0 {
		return runs, nil
	}
	if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return 0, err
	}
	return 0, workflow.NewContinueAsNewError(ctx, CountdownWorkflow, n-1, runs+1)
}

// CancellableWorkflow sleeps for an hour; when cancelled it records a cleanup step by an activity.
func CancellableWorkflow(ctx workflow.Context, key string) error {
	err := workflow.Sleep(ctx, time.Hour)
	if temporal.IsCanceledError(err) {
		cleanup, _ := workflow.NewDisconnectedContext(ctx)
		if cleanupErr := workflow.ExecuteActivity(withActivity(cleanup), Record, "cleanup "+key).Get(cleanup, nil); cleanupErr != nil {
			return cleanupErr
		}
	}
	return err
}

// SagaWorkflow books three steps; when one fails for good it undoes the booked ones in reverse.
func SagaWorkflow(ctx workflow.Context, key, failStep string) ([]string, error) {
	ctx = withActivity(ctx)
	var undo []string
	for _, step := range []string{"flight", "hotel", "car"} {
		var fn interface{} = Record
		if step == failStep {
			fn = Refuse
		}
		if err := workflow.ExecuteActivity(ctx, fn, "book "+step+" "+key).Get(ctx, nil); err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				if undoErr := workflow.ExecuteActivity(ctx, Record, undo[i]).Get(ctx, nil); undoErr != nil {
					return nil, undoErr
				}
			}
			return nil, temporal.NewNonRetryableApplicationError("booking "+key+" failed and was undone", "SagaUndone", err)
		}
		undo = append(undo, "cancel "+step+" "+key)
	}
	return undo, nil
}

// StagedWorkflow upserts its Stage search attribute, waits for "finish", returns its CustomerId.
func StagedWorkflow(ctx workflow.Context, stage string) (string, error) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, stageKey.ValueSet(stage)); err != nil {
		return "", err
	}
	workflow.GetSignalChannel(ctx, "finish").Receive(ctx, nil)
	customer, _ := workflow.GetTypedSearchAttributes(ctx).GetKeyword(customerKey)
	return customer, nil
}

// SleepThenGreetWorkflow is long-running: a timer then an activity (survives a server kill -9).
func SleepThenGreetWorkflow(ctx workflow.Context, d time.Duration) (string, error) {
	if err := workflow.Sleep(ctx, d); err != nil {
		return "", err
	}
	var greeting string
	err := workflow.ExecuteActivity(withActivity(ctx), Greet, "after the crash").Get(ctx, &greeting)
	return greeting, err
}

var allWorkflows = []interface{}{GreetingWorkflow, RetryWorkflow, TimeoutWorkflow, HeartbeatWorkflow,
	CancelActivityWorkflow, TimerWorkflow, AccumulatorWorkflow, ParentWorkflow, CountdownWorkflow,
	CancellableWorkflow, SagaWorkflow, StagedWorkflow, SleepThenGreetWorkflow}

var allActivities = []interface{}{Greet, FailUntil, SleepFor, ResumeFromHeartbeat, HeartbeatUntilCancelled, Record, Refuse}
