package compat

import (
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// A long-running workflow survives kill -9 of the server and a restart on the same database;
// the same client and worker carry on.
func TestWorkflowSurvivesKill9(t *testing.T) {
	own, err := newSundial()
	if err != nil {
		t.Fatal(err)
	}
	if err := own.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(own.close)
	cl, err := client.Dial(client.Options{HostPort: own.address, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	w := newWorker(cl, "go-crash")
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	id := workflowID(t)
	run, err := cl.ExecuteWorkflow(testContext(t), client.StartWorkflowOptions{ID: id, TaskQueue: "go-crash"}, SleepThenGreetWorkflow, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the workflow to start its timer", func() bool { return timerStarted(t, cl, id) })
	own.kill()
	if err := own.start(); err != nil {
		t.Fatal(err)
	}
	var greeting string
	if err := run.Get(testContext(t), &greeting); err != nil {
		t.Fatal(err)
	}
	equal(t, greeting, "Hello, after the crash!")
	fired := 0
	for _, e := range history(t, cl, id, "") {
		if e.GetTimerFiredEventAttributes() != nil {
			fired++
		}
	}
	equal(t, fired, 1)
}
