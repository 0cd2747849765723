package krm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/diag"
)

// Run is the KRM function's entry point: it reads a ResourceList from
// stdin, writes one to stdout and returns the exit status. Results go in
// the returned ResourceList and, since kustomize shows only stderr, to
// stderr as well, each line written by line (ResultLine unless given).
func Run(stdin io.Reader, stdout, stderr io.Writer, line func(*Result) string) int {
	in := &limitedReader{r: stdin, left: MaxResourceListBytes}
	var out bytes.Buffer
	rl, err := execute(&kio.ByteReadWriter{Reader: in, Writer: &out, KeepReaderAnnotations: true}, Processor{}.Process)
	if in.over {
		fmt.Fprintf(stderr, "regprofile: error: reading the ResourceList: the input is over %d MiB, the most regprofile reads; fix: render the registry's profile in a kustomization of its own\n", MaxResourceListBytes>>20)
		return 1
	}
	if rl != nil {
		if _, werr := stdout.Write(out.Bytes()); werr != nil && err == nil {
			err = werr
		}
	}
	return report(rl, err, stderr, line)
}

// RunNodes is Run for a caller in this process that holds the input
// already parsed (regprofile build): items and functionConfig are the
// nodes Run would parse from its input, and the items returned are those
// Run would write, with the same messages on stderr and the same exit
// status, without writing the ResourceList out and parsing it back. The
// caller bounds the input's size, as Run does.
func RunNodes(items []*yaml.RNode, functionConfig *yaml.RNode, stderr io.Writer, line func(*Result) string) ([]*yaml.RNode, int) {
	rl := &ResourceList{Items: items, FunctionConfig: functionConfig}
	if err := filter(rl, Processor{}.Process); err != nil {
		return nil, report(nil, err, stderr, line)
	}
	// What kio's writer does to the items besides writing them.
	for _, n := range rl.Items {
		if err := yaml.ClearEmptyAnnotations(n); err != nil {
			return nil, report(rl, err, stderr, line)
		}
	}
	return rl.Items, report(rl, nil, stderr, line)
}

// report writes the results on stderr and returns the exit status. A nil
// rl means the input was refused before the function saw it.
func report(rl *ResourceList, err error, stderr io.Writer, line func(*Result) string) int {
	if line == nil {
		line = ResultLine
	}
	if rl == nil {
		// kyaml refused the input before the function saw it; its
		// message runs on with the node's contents, which may be large.
		first, _, _ := strings.Cut(err.Error(), "\n")
		fmt.Fprintf(stderr, "regprofile: error: reading the ResourceList: %s; fix: make every item a Kubernetes object whose metadata is a map\n", strings.TrimSuffix(first, ": node contents:"))
		return 1
	}
	for _, r := range rl.Results {
		fmt.Fprintln(stderr, line(r))
	}
	if err != nil {
		fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
		return 1
	}
	if rl.HasErrors() {
		return 1
	}
	return 0
}

// MaxResourceListBytes bounds the ResourceList the KRM function reads: the
// profile and every other resource of the kustomization or kpt package.
// Input is cut off there before it is parsed.
const MaxResourceListBytes = 64 << 20

// limitedReader reads at most left bytes and then fails, remembering that
// the input was larger.
type limitedReader struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			l.over = true
			return 0, errInputTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

var errInputTooLarge = errors.New("input too large")

// ResultLine is how a result is printed on stderr: severity, where (the
// file when the orchestrator said, else the resource), field path, message.
func ResultLine(r *Result) string {
	where := ""
	switch {
	case r.File != nil && r.File.Path != "":
		where = r.File.Path
	case r.ResourceRef != nil:
		where = r.ResourceRef.Kind + "/" + r.ResourceRef.Name
	}
	return FormatResult(r, where)
}

// FormatResult prints a result with where it is (a file, a file:line or a
// resource) given by the caller.
func FormatResult(r *Result, where string) string {
	f := diag.Finding{Severity: r.Severity, Message: r.Message} // the message holds the fix
	if r.Field != nil {
		f.Path = r.Field.Path
	}
	return f.Report(where)
}
