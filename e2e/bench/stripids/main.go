// Command stripids is a what-if KRM exec function for the kustomize
// benchmark. kustomize numbers every item it hands a function
// (internal.config.kubernetes.io/id, and the legacy config.k8s.io/id) and,
// for every returned item that still carries its number, copies comments
// and field order back from the input (kyaml's FunctionFilter). That copy
// walks the item against kyaml's built-in OpenAPI schema, and the first
// walk parses the whole schema: most of what kustomize costs with any exec
// function. stripids returns its input, or with arguments runs that command
// on it, with those two id annotations removed, so that the benchmark can
// show what a function that drops them would cost.
//
// It reads the ResourceList as kustomize writes it (block style, the
// annotations at a fixed indent) and is not a general YAML tool.
package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
)

func main() {
	var out bytes.Buffer
	if len(os.Args) > 1 {
		cmd := exec.Command(os.Args[1], os.Args[2:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, &out, os.Stderr
		if err := cmd.Run(); err != nil {
			os.Stdout.Write(out.Bytes())
			if exit, ok := err.(*exec.ExitError); ok {
				os.Exit(exit.ExitCode())
			}
			fail(err)
		}
	} else if _, err := io.Copy(&out, os.Stdin); err != nil {
		fail(err)
	}
	w := bufio.NewWriter(os.Stdout)
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := strings.TrimLeft(sc.Text(), " ")
		if strings.HasPrefix(line, "internal.config.kubernetes.io/id: ") || strings.HasPrefix(line, "config.k8s.io/id: ") {
			continue
		}
		w.WriteString(sc.Text())
		w.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		fail(err)
	}
	if err := w.Flush(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	os.Stderr.WriteString("stripids: " + err.Error() + "\n")
	os.Exit(1)
}
