package compare

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// running is one product's process under measurement.
type running struct {
	cmd  *exec.Cmd
	stop func() // stops the process and waits for it (at most once)
	list *http.Request
	// dbSize is the size of the product's database once stopped: what its data take.
	dbSize func(t *testing.T) int64
}

// pid is the process id /proc is read under.
func (r *running) pid() int { return r.cmd.Process.Pid }

// startProcess starts bin with env (on top of a minimal environment), logging into
// dir/name.log. The stop function it returns sends SIGTERM (SIGKILL after 10 s) and waits;
// it also runs when the test ends.
func startProcess(t *testing.T, dir, name, bin string, env ...string) (*exec.Cmd, func()) {
	t.Helper()
	logFile, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}, env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
			}
			_ = logFile.Close()
		})
	}
	t.Cleanup(stop)
	return cmd, stop
}

// freePort is a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitHTTP polls url until it answers 200, failing the test (with the process log) after
// a minute or when the process has exited.
func waitHTTP(t *testing.T, cmd *exec.Cmd, url, logPath string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for ctx.Err() == nil {
		if resp, err := http.Get(url); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(logPath)
	t.Fatalf("%s did not answer 200 in time; its log:\n%s", url, log)
}

// targetURL is the address service i checks.
func targetURL(tg *target, i int) string {
	return "http://" + tg.addr + "/svc/" + strconv.Itoa(i)
}

// serviceName is the name of service i in both products.
func serviceName(i int) string { return fmt.Sprintf("svc-%05d", i) }
