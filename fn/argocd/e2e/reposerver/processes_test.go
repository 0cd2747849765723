// Package reposerver runs Argo CD's own repo-server and CMP server as
// separate processes, as a cluster runs them: the argocd-repo-server and
// argocd-cmp-server of the Argo CD version this module's go.mod pins
// (github.com/argoproj/argo-cd/v2, built by argocdbin into .cache/argocd),
// Debian's redis-server as the repo-server's cache, and the example
// repository served by git daemon, all on loopback. The CMP server runs the
// shipped plugin.yaml with the tools regprofile install put on its PATH,
// as the sidecar does. The tests (TestRepoServerProcess*, make
// e2e-repo-server) call the repo-server over gRPC with Argo CD's own
// client package, as the application controller does.
//
// Every process is started and stopped by its PID; a test binary that dies
// takes them along (Pdeathsig).
package reposerver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is one started server: its command, its log and how it stops.
type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	// killAfter is how long it gets after SIGTERM before SIGKILL.
	// v2.14.21's cmp-server removes its socket on SIGTERM but keeps
	// running, so it gets little.
	killAfter time.Duration
}

var (
	processesMu sync.Mutex
	processes   []*process
)

// start runs name with args and env (added to the environment) in the
// background, its output to logDir/<name>.log, and records it for stopAll.
func start(logDir, name string, env []string, path string, args ...string) (*process, error) {
	logPath := filepath.Join(logDir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Killed with the test binary, should it die before stopAll.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, log: logPath, done: make(chan struct{}), killAfter: 10 * time.Second}
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	processesMu.Lock()
	processes = append(processes, p)
	processesMu.Unlock()
	return p, nil
}

// stop sends SIGTERM to the process's PID, then SIGKILL after killAfter.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = syscall.Kill(p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(p.killAfter):
		_ = syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// stopAll stops every started process, the last started first.
func stopAll() {
	processesMu.Lock()
	defer processesMu.Unlock()
	for i := len(processes) - 1; i >= 0; i-- {
		processes[i].stop()
	}
	processes = nil
}

// exited reports whether the process has ended, with its log's tail.
func (p *process) exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s exited (%v):\n%s", p.name, p.cmd.ProcessState, p.tail())
	default:
		return nil
	}
}

// tail is the end of the process's log.
func (p *process) tail() string {
	data, _ := os.ReadFile(p.log)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

// waitFor polls ready until it holds, the process ends, or a minute passes.
func (p *process) waitFor(what string, ready func() bool) error {
	deadline := time.Now().Add(time.Minute)
	for !ready() {
		if err := p.exited(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: no %s after a minute:\n%s", p.name, what, p.tail())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// listening is a ready check: something accepts on addr.
func listening(addr string) func() bool {
	return func() bool {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
		}
		return err == nil
	}
}

// freePort is a loopback port nothing listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// argocdModule is the module, relative to the repository's root, that
// requires Argo CD: its go.mod holds the pinned version.
var argocdModule = filepath.Join("fn", "argocd")

// argocdBinary is Argo CD's repo-server and CMP server (argocdbin), built
// into root/.cache/argocd under a name that holds the pinned version and a
// hash of what it is built from (go.mod, go.sum, argocdbin), so that a
// stale binary is never run and an unchanged one is not built again.
func argocdBinary(root string) (string, error) {
	mod := filepath.Join(root, argocdModule)
	list := exec.Command("go", "list", "-m", "-f", "{{.Version}}", "github.com/argoproj/argo-cd/v2")
	list.Dir = mod
	out, err := list.Output()
	if err != nil {
		return "", fmt.Errorf("go list -m github.com/argoproj/argo-cd/v2: %w", err)
	}
	version := strings.TrimSpace(string(out))
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum", filepath.Join("e2e", "reposerver", "argocdbin", "main.go")} {
		data, err := os.ReadFile(filepath.Join(mod, f))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(data))
		h.Write(data)
	}
	dir := filepath.Join(root, ".cache", "argocd")
	bin := filepath.Join(dir, "argocd-"+version+"-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "fn/argocd/e2e/reposerver: building Argo CD %s's repo-server and CMP server into %s (about 4 minutes on 2 cores the first time)\n", version, bin)
	tmp := bin + ".tmp"
	build := exec.Command("go", "build", "-tags", "argocdprocesses", "-trimpath", "-o", tmp, "./e2e/reposerver/argocdbin")
	build.Dir = mod
	var stderr bytes.Buffer
	build.Stdout, build.Stderr = os.Stderr, &stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building Argo CD %s: %v\n%s", version, err, stderr.String())
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", err
	}
	// Earlier builds are never run again: keep the cache to one binary.
	old, _ := filepath.Glob(filepath.Join(dir, "argocd-*"))
	for _, o := range old {
		if o != bin {
			_ = os.Remove(o)
		}
	}
	return bin, nil
}

// git runs git in dir with a fixed identity and no user configuration.
func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=regprofile", "GIT_AUTHOR_EMAIL=dev@regprofile.dev",
		"GIT_COMMITTER_NAME=regprofile", "GIT_COMMITTER_EMAIL=dev@regprofile.dev")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(stdout.String()), nil
}
