package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"regprofile.dev/regprofile/internal/version"
)

// TestEveryHelpListsEveryFlag runs --help, -h and "help COMMAND" for every
// command of regprofile's own: each exits 0, prints to stdout only, and
// names every flag the command accepts.
func TestEveryHelpListsEveryFlag(t *testing.T) {
	for _, c := range commands() {
		if c.flags == nil {
			continue // regprofile-<name>: its own package tests its help
		}
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			code, out, stderr := runFn(t, "", args...)
			if code != 0 || stderr != "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
			}
			c.flags().VisitAll(func(f *pflag.Flag) {
				if !strings.Contains(out, "--"+f.Name) {
					t.Errorf("%v does not list --%s:\n%s", args, f.Name, out)
				}
			})
		}
	}
	code, out, _ := runFn(t, "", "help")
	for _, c := range commands() {
		if code != 0 || !strings.Contains(out, "regprofile "+c.name+" ") {
			t.Errorf("help: exit %d, does not list %s:\n%s", code, c.name, out)
		}
	}
}

// TestHelpOfAHelperCommand runs "help diff" through a stand-in helper.
func TestHelpOfAHelperCommand(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "regprofile-diff"), []byte("#!/bin/sh\necho \"diff help: $*\"\n"), 0o755)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	if code, out, _ := runFn(t, "", "help", "diff"); code != 0 || out != "diff help: --help\n" {
		t.Errorf("help diff: exit %d, out %q", code, out)
	}
}

func TestVersion(t *testing.T) {
	code, out, stderr := runFn(t, "", "--version")
	want := regexp.MustCompile(`^regprofile \S.*\nkustomize ` + regexp.QuoteMeta(version.Kustomize()) + ` \(`)
	if code != 0 || stderr != "" || !want.MatchString(out) {
		t.Errorf("--version: exit %d, stderr %q, out:\n%s", code, stderr, out)
	}
}

// TestCompletion checks that each script names every command and flag, and
// that bash (and zsh and fish, where installed) parse it.
func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, stderr := runFn(t, "", "completion", shell)
		if code != 0 || stderr != "" {
			t.Fatalf("completion %s: exit %d, stderr %q", shell, code, stderr)
		}
		for _, c := range commands() {
			if !strings.Contains(out, c.name) {
				t.Errorf("completion %s lacks command %s", shell, c.name)
			}
			if c.flags != nil {
				c.flags().VisitAll(func(f *pflag.Flag) {
					if !strings.Contains(out, f.Name) {
						t.Errorf("completion %s lacks %s --%s", shell, c.name, f.Name)
					}
				})
			}
		}
		check := map[string][]string{"bash": {"bash", "-n"}, "zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"}}[shell]
		if _, err := exec.LookPath(check[0]); err != nil {
			if shell == "bash" {
				t.Fatal("bash is not on PATH")
			}
			continue
		}
		file := filepath.Join(t.TempDir(), "completion."+shell)
		os.WriteFile(file, []byte(out), 0o644)
		if msg, err := exec.Command(check[0], append(check[1:], file)...).CombinedOutput(); err != nil {
			t.Errorf("%s does not parse the script: %v\n%s\n%s", shell, err, msg, out)
		}
	}
}

// TestBashCompletionCompletes runs the bash script's function on typed lines.
func TestBashCompletionCompletes(t *testing.T) {
	_, script, _ := runFn(t, "", "completion", "bash")
	file := filepath.Join(t.TempDir(), "completion.bash")
	os.WriteFile(file, []byte(script), 0o644)
	for line, want := range map[string]string{
		"regprofile ren":          "render",
		"regprofile render --pl":  "--platform",
		"regprofile emit --":      "--force --help --out",
		"regprofile completion z": "zsh",
		"regprofile help em":      "emit",
	} {
		words := strings.Fields(line)
		if strings.HasSuffix(line, " ") {
			words = append(words, "")
		}
		prog := `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _regprofile; echo "${COMPREPLY[*]}"`
		out, err := exec.Command("bash", append([]string{"-c", prog, "bash", file}, words...)...).Output()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("%q completes to %q (%v); want %q", line, strings.TrimSpace(string(out)), err, want)
		}
	}
}

// TestPatches renders a profile with a patch merged over it, and checks
// that findings name the file and line the field comes from and that emit
// refuses a patch that would change every platform.
func TestPatches(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.yaml")
	patch := filepath.Join(dir, "patch.yaml")
	os.WriteFile(base, []byte("apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfile\nmetadata:\n  name: registry\nspec:\n  registry:\n    replicas: 2\n"), 0o644)
	os.WriteFile(patch, []byte("apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfile\nmetadata:\n  name: registry\nspec:\n  platform: vsphere-block\n  platforms:\n    vsphere-block:\n      registry:\n        replicas: -1\n"), 0o644)
	code, out, stderr := runFn(t, "", "render", base, patch)
	want := "regprofile: error: " + patch + ":10: spec.platforms.vsphere-block.registry.replicas: replicas must not be negative, got -1; fix: set 0 or more\n"
	if code != 1 || out != "" || stderr != want {
		t.Errorf("render base patch: exit %d, out %q, stderr:\n%s\nwant:\n%s", code, out, stderr, want)
	}
	os.WriteFile(patch, []byte("apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfile\nmetadata:\n  name: registry\nspec:\n  platform: vsphere-block\n  registry:\n    replicas: 1\n"), 0o644)
	if code, out, stderr := runFn(t, "", "render", base, patch); code != 0 || !strings.Contains(out, "replicas: 1") {
		t.Errorf("render with a patch: exit %d, stderr %s", code, stderr)
	}
	code, _, stderr = runFn(t, "", "emit", "--out", filepath.Join(dir, "out"), base, patch)
	want = "regprofile: error: " + patch + ":7: spec.registry: emit merges every patch into one profile, so this would apply to every platform; a patch may set only spec.platform and spec.platforms; fix: move it under spec.platforms.<platform>, or render this overlay with kustomize build\n"
	if code != 1 || stderr != want {
		t.Errorf("emit with a patch of shared fields: exit %d, stderr:\n%s\nwant:\n%s", code, stderr, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("emit wrote %s after an error", filepath.Join(dir, "out"))
	}
	// A patch is input like the profile: the same size cap bounds it.
	os.WriteFile(patch, []byte("spec:\n  x: '"+strings.Repeat("a", 5<<20)+"'\n"), 0o644)
	want = "regprofile: error: " + patch + ": the file is over 4 MiB; a profile is at most 4 MiB; fix: keep large data (such as CA bundles) out of the profile, or split them\n"
	for _, args := range [][]string{{"render", base, patch}, {"emit", "--out", filepath.Join(dir, "out"), base, patch}} {
		if code, out, stderr := runFn(t, "", args...); code != 1 || out != "" || stderr != want {
			t.Errorf("%s with a patch over the cap: exit %d, out %q, stderr:\n%s\nwant:\n%s", args[0], code, out, stderr, want)
		}
	}
	// stdin is for the profile only.
	if code, _, stderr := runFn(t, "", "render", base, "-"); code != 1 || !strings.Contains(stderr, `only the profile, the first file, can be "-"`) {
		t.Errorf("render with a patch on stdin: exit %d, stderr:\n%s", code, stderr)
	}
}
