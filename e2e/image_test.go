package e2e

// The function as a container: make image builds the FROM-scratch image,
// and kpt (KPT_FN_RUNTIME=podman) and kustomize (a container: function,
// through a docker shim that runs podman) run it. Each output must be
// byte-identical to the same run with the function as an exec binary.
//
// These tests need podman (Debian: podman and runc) and run with make
// e2e-image; make e2e skips them (-skip '^TestFunctionImage'). Without
// podman on PATH each test skips, naming itself and the reason, unless
// REGPROFILE_REQUIRE_PODMAN=1 (.ci/run sets it).

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/testkit"
)

// testImage is the tag make image builds for these tests.
const testImage = "localhost/regprofile:e2e"

var (
	imageOnce sync.Once
	imageID   string
	imageErr  error
	// shimDir holds a docker that runs podman: kustomize calls docker.
	shimDir string
)

// podmanEnv is the environment podman needs on this kind of machine:
// e2e/containers/containers.conf unless CONTAINERS_CONF names another.
func podmanEnv() []string {
	env := os.Environ()
	if os.Getenv("CONTAINERS_CONF") == "" {
		env = append(env, "CONTAINERS_CONF="+filepath.Join(repoRoot, "e2e", "containers", "containers.conf"))
	}
	return env
}

// makeImage runs make image IMAGE=name (and vars) in the repository and
// returns the image ID it prints ("NAME sha256:...", its last line).
func makeImage(name string, vars ...string) (string, error) {
	cmd := exec.Command("make", append([]string{"--no-print-directory", "image", "IMAGE=" + name}, vars...)...)
	cmd.Dir, cmd.Env = repoRoot, podmanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("make image IMAGE=%s: %v\n%s%s", name, err, stdout.String(), stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	last := strings.Fields(lines[len(lines)-1])
	if len(last) != 2 || last[0] != name || !strings.HasPrefix(last[1], "sha256:") || len(last[1]) != len("sha256:")+64 {
		return "", fmt.Errorf("make image printed %q last, want %q and its sha256 image ID", lines[len(lines)-1], name)
	}
	return last[1], nil
}

// needImage skips without podman and otherwise builds testImage once for
// the whole run, from the current sources.
func needImage(t *testing.T) {
	t.Helper()
	testkit.Tool(t, "podman")
	imageOnce.Do(func() {
		imageID, imageErr = makeImage(testImage)
		if imageErr != nil {
			return
		}
		shimDir = filepath.Join(binDir, "docker-shim")
		if imageErr = os.MkdirAll(shimDir, 0o755); imageErr == nil {
			imageErr = os.WriteFile(filepath.Join(shimDir, "docker"), []byte("#!/bin/sh\nexec podman \"$@\"\n"), 0o755)
		}
	})
	if imageErr != nil {
		t.Fatal(imageErr)
	}
}

// removeTestImage untags what needImage built (TestMain calls it last).
func removeTestImage() {
	if imageID != "" {
		cmd := exec.Command("podman", "rmi", testImage)
		cmd.Env = podmanEnv()
		_ = cmd.Run()
	}
}

// podman runs a podman command and returns its stdout.
func podman(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("podman", args...)
	cmd.Env = podmanEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// runWith runs a command like run, with the podman environment plus env,
// and the docker shim first on PATH.
func runWith(t *testing.T, dir string, env []string, name string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(podmanEnv(), append(env, "PATH="+shimDir+string(os.PathListSeparator)+binDir+string(os.PathListSeparator)+os.Getenv("PATH"))...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// TestFunctionImageHoldsOnlyTheFunction reads the image's configuration and
// every file in it: the three static binaries, passwd and group with
// nobody, a non-root user, no shell, every timestamp 0.
func TestFunctionImageHoldsOnlyTheFunction(t *testing.T) {
	needImage(t)
	var inspect []struct {
		Created string
		Config  struct {
			User       string
			Entrypoint []string
		}
		RootFS struct{ Layers []string }
	}
	if err := json.Unmarshal(podman(t, "image", "inspect", imageID), &inspect); err != nil || len(inspect) != 1 {
		t.Fatalf("podman image inspect: %v", err)
	}
	c := inspect[0]
	if len(c.RootFS.Layers) != 1 {
		t.Errorf("the image has %d layers, want one (make image builds with --layers=false, so podman and buildah agree)", len(c.RootFS.Layers))
	}
	if c.Config.User != "65534:65534" || strings.Join(c.Config.Entrypoint, " ") != "/usr/local/bin/regprofile" || !strings.HasPrefix(c.Created, "1970-01-01T00:00:00") {
		t.Errorf("image config: user %q, entrypoint %q, created %s; want 65534:65534, /usr/local/bin/regprofile, the epoch", c.Config.User, c.Config.Entrypoint, c.Created)
	}

	container := strings.TrimSpace(string(podman(t, "create", imageID)))
	defer podman(t, "rm", container)
	tr := tar.NewReader(bytes.NewReader(podman(t, "export", container)))
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(h.Name, "./")
		if h.Typeflag != tar.TypeReg {
			continue // directories, and what podman adds for a container (/dev, /proc, /sys, /etc/hosts mount points)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = data
		if h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s is owned by %d:%d, want root", name, h.Uid, h.Gid)
		}
		if strings.HasPrefix(name, "usr/local/bin/") && h.Mode&0o777 != 0o755 || strings.HasPrefix(name, "etc/") && h.Mode&0o777 != 0o644 {
			t.Errorf("%s has mode %o", name, h.Mode&0o777)
		}
		if !h.ModTime.IsZero() && h.ModTime.Unix() != 0 {
			t.Errorf("%s has timestamp %s, want 0 (make image builds with --timestamp 0)", name, h.ModTime)
		}
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	// podman create writes empty /etc/hosts and /etc/resolv.conf mount
	// points into every container; they are not in the image's layer.
	var own []string
	for _, name := range names {
		if (name == "etc/hosts" || name == "etc/resolv.conf" || name == "run/.containerenv") && len(files[name]) == 0 {
			continue
		}
		own = append(own, name)
	}
	want := "etc/group etc/passwd usr/local/bin/kustomize usr/local/bin/regprofile"
	if got := strings.Join(own, " "); got != want {
		t.Fatalf("the image holds %s\nwant exactly %s", got, want)
	}
	if !strings.Contains(string(files["etc/passwd"]), "\nnobody:x:65534:65534:") || !strings.Contains(string(files["etc/group"]), "\nnobody:x:65534:") {
		t.Errorf("passwd or group lacks nobody (65534), which kpt and kustomize run functions as:\n%s%s", files["etc/passwd"], files["etc/group"])
	}
	for _, bin := range []string{"kustomize", "regprofile"} {
		f, err := elf.NewFile(bytes.NewReader(files["usr/local/bin/"+bin]))
		if err != nil {
			t.Fatalf("%s: %v", bin, err)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s is dynamically linked: the scratch image has no loader or libc (build it with CGO_ENABLED=0)", bin)
			}
		}
	}
	// Run as the image's own user, the function answers.
	out := podman(t, "run", "--rm", "--network", "none", imageID, "--version")
	if !bytes.Contains(out, []byte("kustomize v")) {
		t.Errorf("regprofile --version in the image printed %q", out)
	}
}

// TestFunctionImageInstallsTheSidecarsTools runs the shipped sidecar
// patch's initContainer as its manifest says (its command, its user, a
// read-only root, no capabilities) with the image: the tools it installs
// run.
func TestFunctionImageInstallsTheSidecarsTools(t *testing.T) {
	needImage(t)
	patch, err := yaml.Parse(string(mustReadFile(t, filepath.Join(repoRoot, "fn", "argocd", "deploy", "argocd-repo-server-patch.yaml"))))
	if err != nil {
		t.Fatal(err)
	}
	init, err := patch.Pipe(yaml.Lookup("spec", "template", "spec", "initContainers", "[name=regprofile-install]"))
	if err != nil || init == nil {
		t.Fatalf("no initContainer regprofile-install in the shipped patch: %v", err)
	}
	command, err := init.Pipe(yaml.Lookup("command"))
	if err != nil || command == nil {
		t.Fatal("the initContainer has no command")
	}
	var args []string
	for _, arg := range command.YNode().Content {
		args = append(args, arg.Value)
	}
	if len(args) < 2 {
		t.Fatalf("the initContainer's command is %v", args)
	}
	user, err := init.Pipe(yaml.Lookup("securityContext", "runAsUser"))
	if err != nil || user == nil {
		t.Fatal("the initContainer sets no runAsUser")
	}
	mount, _ := init.Pipe(yaml.Lookup("volumeMounts", "[name=regprofile-tools]", "mountPath"))
	if mount == nil || yaml.GetValue(mount) != args[len(args)-1] {
		t.Fatalf("the initContainer installs into %v, not its tools volume", args)
	}
	tools := t.TempDir()
	if err := os.Chmod(tools, 0o777); err != nil { // an emptyDir: writable by the pod's user
		t.Fatal(err)
	}
	run := append([]string{"run", "--rm", "--network", "none", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"--user", yaml.GetValue(user), "-v", tools + ":" + yaml.GetValue(mount), "--entrypoint", args[0], imageID}, args[1:]...)
	podman(t, run...)
	// What the sidecar then runs, with only the installed tools on PATH.
	dir := filepath.Join("overlays", "aws-upi")
	cmd := exec.Command(filepath.Join(tools, "regprofile"), "build", dir)
	cmd.Dir, cmd.Env = repoRoot, append(os.Environ(), "PATH="+tools)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("regprofile build with the installed tools: %v", err)
	}
	if want := build(t, dir); string(out) != want {
		t.Errorf("regprofile build with the installed tools differs from kustomize build:\n%s", testkit.LineDiff(want, string(out)))
	}
}

// TestFunctionImageIsReproducible builds the image again under another tag,
// and with buildah where it is installed: the image ID is the same.
func TestFunctionImageIsReproducible(t *testing.T) {
	needImage(t)
	builders := []string{"podman"}
	if _, err := exec.LookPath("buildah"); err == nil {
		builders = append(builders, "buildah")
	}
	for _, builder := range builders {
		again := "localhost/regprofile:e2e-" + builder
		id, err := makeImage(again, "IMAGE_BUILDER="+builder)
		if err != nil {
			t.Fatal(err)
		}
		podman(t, "rmi", again)
		if id != imageID {
			t.Errorf("a second build of the same sources with %s gave %s, the first %s", builder, id, imageID)
		}
	}
}

// TestFunctionImageKptEvalMatchesExec runs kpt fn eval --image with podman
// on every overlay's profile, beside an unrelated resource: stdout is the
// --exec run's, byte for byte.
func TestFunctionImageKptEvalMatchesExec(t *testing.T) {
	testkit.Tool(t, "kpt")
	needImage(t)
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "profile.yaml"), mergedProfile(t, p))
			writeFile(t, filepath.Join(dir, "unrelated.yaml"), unrelated)
			want, stderr, err := run(t, dir, "kpt", "fn", "eval", ".", "--exec", "regprofile", "-o", "stdout")
			if err != nil {
				t.Fatalf("kpt fn eval --exec: %v\n%s", err, stderr)
			}
			got, stderr, err := runWith(t, dir, []string{"KPT_FN_RUNTIME=podman"}, "kpt", "fn", "eval", ".", "--image", testImage, "-o", "stdout")
			if err != nil {
				t.Fatalf("kpt fn eval --image: %v\n%s", err, stderr)
			}
			if got != want {
				t.Errorf("kpt fn eval --image differs from --exec:\n%s", testkit.LineDiff(want, got))
			}
		})
	}
}

// TestFunctionImageKptPipelineMatchesExec runs a Kptfile pipeline with the
// image as its mutator (kpt fn render): the package it writes is the one
// the exec pipeline writes, file for file.
func TestFunctionImageKptPipelineMatchesExec(t *testing.T) {
	testkit.Tool(t, "kpt")
	needImage(t)
	kptfile := "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: registry\npipeline:\n  mutators:\n  - %s\n"
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			profile := mergedProfile(t, p)
			pkgs := map[string]string{}
			for _, mode := range []string{"exec", "image"} {
				dir := t.TempDir()
				writeFile(t, filepath.Join(dir, "profile.yaml"), profile)
				writeFile(t, filepath.Join(dir, "unrelated.yaml"), unrelated)
				var err error
				var stderr string
				if mode == "exec" {
					writeFile(t, filepath.Join(dir, "Kptfile"), fmt.Sprintf(kptfile, "exec: regprofile"))
					_, stderr, err = run(t, dir, "kpt", "fn", "render", ".", "--allow-exec")
				} else {
					writeFile(t, filepath.Join(dir, "Kptfile"), fmt.Sprintf(kptfile, "image: "+testImage))
					_, stderr, err = runWith(t, dir, []string{"KPT_FN_RUNTIME=podman"}, "kpt", "fn", "render", ".")
				}
				if err != nil {
					t.Fatalf("kpt fn render (%s): %v\n%s", mode, err, stderr)
				}
				files := tree(t, dir)
				delete(files, "Kptfile")
				var b strings.Builder
				for _, name := range keys(files) {
					fmt.Fprintf(&b, "--- %s\n%s", name, files[name])
				}
				pkgs[mode] = b.String()
			}
			if pkgs["image"] != pkgs["exec"] {
				t.Errorf("the image pipeline wrote another package than the exec pipeline:\n%s", testkit.LineDiff(pkgs["exec"], pkgs["image"]))
			}
			if !strings.Contains(pkgs["image"], "kind: Config") {
				t.Errorf("the pipeline rendered no registry Config:\n%s", pkgs["image"])
			}
		})
	}
}

// TestFunctionImageKustomizeContainerMatchesExec builds every overlay with
// the transformer's function annotation switched to a container: function
// running the image: kustomize prints what it prints with the exec one.
func TestFunctionImageKustomizeContainerMatchesExec(t *testing.T) {
	needImage(t)
	exec := string(mustReadFile(t, filepath.Join(repoRoot, "transformers", "regprofile.yaml")))
	const execFn = "      exec:\n        path: regprofile\n"
	if !strings.Contains(exec, execFn) {
		t.Fatalf("transformers/regprofile.yaml no longer runs the function as %q", execFn)
	}
	container := strings.Replace(exec, execFn, "      container:\n        image: "+testImage+"\n", 1)
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			dir := t.TempDir()
			for _, d := range []string{"bases", "transformers", filepath.Join("overlays", p)} {
				if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(repoRoot, d))); err != nil {
					t.Fatal(err)
				}
			}
			writeFile(t, filepath.Join(dir, "transformers", "regprofile.yaml"), container)
			got, stderr, err := runWith(t, dir, nil, kustomize, "build", "--enable-alpha-plugins", filepath.Join("overlays", p))
			if err != nil {
				t.Fatalf("kustomize build with the container function: %v\n%s", err, stderr)
			}
			if want := build(t, filepath.Join("overlays", p)); got != want {
				t.Errorf("the container function's build differs from the exec function's:\n%s", testkit.LineDiff(want, got))
			}
		})
	}
}
