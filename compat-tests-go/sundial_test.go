package compat

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const startupTimeout = 60 * time.Second

// sundial is one server process on a fixed gRPC port and one SQLite file, so that a restart
// after kill -9 finds both again.
type sundial struct {
	jar, dataDir, address string
	port                  int
	extraArgs             []string
	cmd                   *exec.Cmd
	exited                chan struct{} // closed when the process has ended and was waited for
	mu                    sync.Mutex
	output                []string
}

// findJar returns the JAR Maven passes in SUNDIAL_JAR, else the one built in ../sundial-cli/target.
func findJar() (string, error) {
	if jar := os.Getenv("SUNDIAL_JAR"); jar != "" {
		if _, err := os.Stat(jar); err != nil {
			return "", fmt.Errorf("SUNDIAL_JAR points to a missing file: %s", jar)
		}
		return jar, nil
	}
	jars, _ := filepath.Glob(filepath.Join("..", "sundial-cli", "target", "sundial-cli-*-all.jar"))
	if len(jars) == 0 {
		return "", fmt.Errorf("no sundial-cli-*-all.jar; build it with: mvn -B install -DskipTests -pl sundial-cli -am")
	}
	sort.Strings(jars)
	return jars[len(jars)-1], nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func newSundial(extraArgs ...string) (*sundial, error) {
	jar, err := findJar()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "sundial-go-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	return &sundial{jar: jar, dataDir: dir, port: port, address: "127.0.0.1:" + strconv.Itoa(port), extraArgs: extraArgs}, nil
}

func (s *sundial) start() error {
	args := append([]string{"-jar", s.jar, "server", "start",
		"--port", strconv.Itoa(s.port), "--ui-port", "0", "--http-port", "-1", "--metrics-port", "-1", "--headless",
		"--db-filename", filepath.Join(s.dataDir, "go.db"), "--log-level", "warn"}, s.extraArgs...)
	cmd := exec.Command("java", args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	ready := make(chan struct{})
	go func() {
		defer close(s.exited)
		scanner := bufio.NewScanner(out)
		once := sync.Once{}
		for scanner.Scan() {
			line := scanner.Text()
			s.mu.Lock()
			s.output = append(s.output, line)
			s.mu.Unlock()
			if strings.Contains(line, "Press Ctrl-C") {
				once.Do(func() { close(ready) })
			}
		}
		once.Do(func() { close(ready) }) // exited: reported below
		_ = cmd.Wait()
	}()
	select {
	case <-ready:
	case <-time.After(startupTimeout):
		s.kill()
		return fmt.Errorf("Sundial did not start:\n%s", s.log())
	}
	deadline := time.Now().Add(startupTimeout)
	for {
		if conn, err := net.DialTimeout("tcp", s.address, time.Second); err == nil {
			conn.Close()
			return nil
		}
		if s.hasExited() || time.Now().After(deadline) {
			return fmt.Errorf("Sundial did not answer on %s:\n%s", s.address, s.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *sundial) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.output, "\n")
}

func (s *sundial) hasExited() bool {
	select {
	case <-s.exited:
		return true
	default:
		return false
	}
}

// kill is kill -9: no shutdown hook runs; what was not committed is gone.
func (s *sundial) kill() {
	if s.cmd != nil && !s.hasExited() {
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

func (s *sundial) close() {
	if s.cmd != nil && !s.hasExited() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.exited:
		case <-time.After(15 * time.Second):
			s.kill()
		}
	}
	_ = os.RemoveAll(s.dataDir)
}

// eventually calls check until it is true; fails the test naming what after 30 s.
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after 30 s waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
