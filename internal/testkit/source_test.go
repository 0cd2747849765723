package testkit

import (
	"slices"
	"testing"
)

func TestHandWrittenFacts(t *testing.T) {
	for text, want := range map[string][]string{
		"documents 000 §3.3.1, §3.4.1":                   nil,
		"thin before 4.10":                               {"the release 4.10"},
		"4.2 to 4.5":                                     {"the release 4.2", "the release 4.5"},
		"a ReadWriteOnce claim, or Recreating":           {`the operator's value "ReadWriteOnce"`},
		"not default-route":                              {`the operator's value "default-route"`},
		"Name (a DNS subdomain, at most 253 characters)": {`the limit "DNS subdomain"`, `the limit "253 characters"`},
		"3 to 63 characters, lower-case letters":         {`the limit "3 to 63 characters"`},
		"use 3 to 24 lower-case letters and digits":      {`the limit "3 to 24 lower-case letters"`},
		"are DNS-1123 labels; 5 bytes":                   {`the limit "DNS-1123 labels"`, `the limit "5 bytes"`},
		"at most 1 replica, 2 or more replicas":          nil,
		"how many jobs to keep. 0 or more.":              {`the limit ". 0 or more."`},
		"Limits: 0 or more; 1 with emptyDir":             {`the limit ": 0 or more;"`},
		"chunks. From 5 to 5120.":                        {`the limit ". From 5 to 5120."`},
	} {
		if got := HandWrittenFacts(text); !slices.Equal(got, want) {
			t.Errorf("HandWrittenFacts(%q) = %q, want %q", text, got, want)
		}
	}
}
