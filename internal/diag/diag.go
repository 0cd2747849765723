// Package diag holds what every stage reports to the user: findings with a
// severity, the profile field they are about and how to fix them.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Severity of a finding, as in the KRM functions specification.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Finding is one thing the user should know about their profile.
type Finding struct {
	Severity Severity
	// Path is the profile field the finding is about, in dotted form
	// ("spec.registry.storage.s3.region"); empty for the whole document.
	Path string
	// Message says what is wrong.
	Message string
	// Fix says what to do about it; empty when the message says it.
	Fix string
	// Rule is the ID of the rule that found it; empty for decoding.
	Rule string
	// Line is the line of the profile's file that Path stands on (or, for
	// a YAML syntax error, where the parser stopped); 0 when unknown, as
	// for a profile read through kustomize.
	Line int
	// File is the file the finding is about when a profile comes from
	// several (a base and its patches); empty for the one file.
	File string
}

// Errorf returns an error finding.
func Errorf(path, fix, format string, args ...any) Finding {
	return Finding{Severity: Error, Path: path, Message: fmt.Sprintf(format, args...), Fix: fix}
}

// Warnf returns a warning finding.
func Warnf(path, fix, format string, args ...any) Finding {
	return Finding{Severity: Warning, Path: path, Message: fmt.Sprintf(format, args...), Fix: fix}
}

// Text is the finding as one line, without the file: "path: message; fix".
func (f Finding) Text() string {
	var b strings.Builder
	if f.Path != "" {
		b.WriteString(f.Path)
		b.WriteString(": ")
	}
	b.WriteString(f.Message)
	if f.Fix != "" {
		b.WriteString("; fix: ")
		b.WriteString(f.Fix)
	}
	return b.String()
}

// Report is a finding as every regprofile command and the KRM function
// print it, one per line: "regprofile: SEVERITY: WHERE: PATH: MESSAGE;
// fix: FIX". WHERE says where it was found (a file, file:line, or a
// resource's Kind/name); it and PATH are left out when empty.
func (f Finding) Report(where string) string {
	var b strings.Builder
	b.WriteString("regprofile: ")
	b.WriteString(string(f.Severity))
	b.WriteString(": ")
	if where != "" {
		b.WriteString(where)
		b.WriteString(": ")
	}
	b.WriteString(f.Text())
	return b.String()
}

// Findings is a list of findings; as an error it reports the error ones.
type Findings []Finding

// HasErrors reports whether any finding is an error.
func (fs Findings) HasErrors() bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Sorted returns the findings errors first, then by path and message, so
// that output does not depend on the order rules ran in.
func (fs Findings) Sorted() Findings {
	out := append(Findings(nil), fs...)
	sort.SliceStable(out, func(i, j int) bool { return Less(out[i], out[j]) })
	return out
}

var rank = map[Severity]int{Error: 0, Warning: 1, Info: 2}

// Less orders findings errors first, then by path (see PathLess) and
// message.
func Less(a, b Finding) bool {
	if rank[a.Severity] != rank[b.Severity] {
		return rank[a.Severity] < rank[b.Severity]
	}
	if a.Path != b.Path {
		return PathLess(a.Path, b.Path)
	}
	return a.Message < b.Message
}

// PathLess orders field paths as a reader does: list indexes, and any
// other run of digits, by number ("routes[9]" before "routes[10]"), the
// rest byte by byte.
func PathLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			if da != db {
				return da < db
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// Error implements error.
func (fs Findings) Error() string {
	var lines []string
	for _, f := range fs.Sorted() {
		if f.Severity == Error {
			lines = append(lines, f.Text())
		}
	}
	return strings.Join(lines, "\n")
}

// Path builds dotted field paths.
type Path string

// Child appends a field name.
func (p Path) Child(name string) Path {
	if p == "" {
		return Path(name)
	}
	return Path(string(p) + "." + name)
}

// Index appends a list index.
func (p Path) Index(i int) Path { return Path(fmt.Sprintf("%s[%d]", p, i)) }

// String returns the path.
func (p Path) String() string { return string(p) }
