package testkit

import (
	"slices"
	"testing"
)

func TestHandWrittenFacts(t *testing.T) {
	for text, want := range map[string][]string{
		"documents 000 §3.3.1, §3.4.1":         nil,
		"thin before 4.10":                     {"the release 4.10"},
		"4.2 to 4.5":                           {"the release 4.2", "the release 4.5"},
		"a ReadWriteOnce claim, or Recreating": {`the operator's value "ReadWriteOnce"`},
		"not default-route":                    {`the operator's value "default-route"`},
	} {
		if got := HandWrittenFacts(text); !slices.Equal(got, want) {
			t.Errorf("HandWrittenFacts(%q) = %q, want %q", text, got, want)
		}
	}
}
