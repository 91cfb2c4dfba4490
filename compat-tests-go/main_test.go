package compat

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

const taskQueue = "go-compat"

// One server, one client and one worker shared by the tests (each test uses its own ids).
var (
	server *sundial
	c      client.Client
)

// quietLogger keeps the SDK to warnings and errors.
func quietLogger() sdklog.Logger {
	return sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

func newWorker(cl client.Client, queue string) worker.Worker {
	w := worker.New(cl, queue, worker.Options{})
	for _, wf := range allWorkflows {
		w.RegisterWorkflow(wf)
	}
	for _, a := range allActivities {
		w.RegisterActivity(a)
	}
	return w
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	server, err = newSundial("--search-attribute", "CustomerId=Keyword", "--search-attribute", "Stage=Keyword")
	if err == nil {
		err = server.start()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer server.close()
	c, err = client.Dial(client.Options{HostPort: server.address, Namespace: "default", Logger: quietLogger()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer c.Close()
	w := newWorker(c, taskQueue)
	if err := w.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer w.Stop()
	return m.Run()
}

// workflowID is an id unique to the test.
func workflowID(t *testing.T) string {
	return fmt.Sprintf("go-%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano())
}

// testContext bounds a test's calls to 30 s.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func start(t *testing.T, id string, wf interface{}, args ...interface{}) client.WorkflowRun {
	t.Helper()
	run, err := c.ExecuteWorkflow(testContext(t), client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue}, wf, args...)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func get[T any](t *testing.T, run client.WorkflowRun) T {
	t.Helper()
	var result T
	if err := run.Get(testContext(t), &result); err != nil {
		t.Fatalf("workflow %s failed: %v", run.GetID(), err)
	}
	return result
}

// history reads a run's whole history ("" run id: the current run).
func history(t *testing.T, cl client.Client, id, runID string) []*historypb.HistoryEvent {
	t.Helper()
	var events []*historypb.HistoryEvent
	iter := cl.GetWorkflowHistory(testContext(t), id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		e, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	return events
}

func equal[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("got %v, want %v", got, want)
	}
}
