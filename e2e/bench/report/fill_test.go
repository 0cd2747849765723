package main

import (
	"os"
	"strings"
	"testing"
)

func TestFill(t *testing.T) {
	doc := "# T\n\nprose 1.0x\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\n| x | <!-- bench:b -->old b<!-- /bench:b --> |\n" +
		"<!-- bench:kept -->\nold kept\n<!-- /bench:kept -->\ntail\n"
	blocks := map[string]string{"a": "new a\nline 2", "b": "new b | **met**"}
	keep := map[string]bool{"kept": true}
	want := "# T\n\nprose 1.0x\n<!-- bench:a -->\nnew a\nline 2\n<!-- /bench:a -->\n| x | <!-- bench:b -->new b | **met**<!-- /bench:b --> |\n" +
		"<!-- bench:kept -->\nold kept\n<!-- /bench:kept -->\ntail\n"
	got, err := fill(doc, blocks, keep)
	if err != nil || got != want {
		t.Fatalf("fill = %q, %v; want %q", got, err, want)
	}
	if again, err := fill(got, blocks, keep); err != nil || again != got {
		t.Fatalf("a second fill changed the document: %q, %v", again, err)
	}
	twice := "<!-- bench:b -->1<!-- /bench:b --> and <!-- bench:b -->2<!-- /bench:b -->\n"
	if got, err := fill(twice, map[string]string{"b": "3"}, nil); err != nil || got != "<!-- bench:b -->3<!-- /bench:b --> and <!-- bench:b -->3<!-- /bench:b -->\n" {
		t.Fatalf("a block named twice: %q, %v", got, err)
	}
	if empty, err := fill(doc, map[string]string{"a": "", "b": ""}, keep); err != nil ||
		!strings.Contains(empty, "<!-- bench:a -->\n<!-- /bench:a -->") || !strings.Contains(empty, "<!-- bench:b --><!-- /bench:b -->") {
		t.Fatalf("empty blocks: %q, %v", empty, err)
	}
}

func TestFillErrors(t *testing.T) {
	blocks := map[string]string{"a": "x"}
	for _, c := range []struct{ doc, err string }{
		{"<!-- bench:a -->\n", "line 1: <!-- bench:a --> is never closed"},
		{"x\n<!-- /bench:a -->\n", "line 2: <!-- /bench:a --> closes no open block"},
		{"<!-- bench:a -->\n<!-- bench:b -->\n<!-- /bench:b -->\n<!-- /bench:a -->\n", "line 1: <!-- bench:a --> is not closed before line 2's <!-- bench:b -->"},
		{"<!-- bench:a -->\n<!-- /bench:b -->\n", "is not closed before line 2's <!-- /bench:b -->"},
		{"<!-- bench:a -->\n<!-- /bench:a -->\n<!-- bench:typo -->\n<!-- /bench:typo -->\n", "line 3: unknown block <!-- bench:typo --> (make bench fills a)"},
		{"nothing\n", "no block <!-- bench:a -->"},
		{"| <!-- bench:a -->x<!-- /bench:a --> |\n", ""},
	} {
		_, err := fill(c.doc, blocks, nil)
		if (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("fill(%q) = %v; want an error containing %q", c.doc, err, c.err)
		}
	}
	if _, err := fill("| <!-- bench:a -->x<!-- /bench:a --> |\n", map[string]string{"a": "two\nlines"}, nil); err == nil ||
		!strings.Contains(err.Error(), "<!-- bench:a --> is inline") {
		t.Errorf("an inline block given several lines: %v", err)
	}
	if _, err := fill("<!-- bench:a -->\n<!-- /bench:a -->\n", blocks, map[string]bool{"skipped": true}); err == nil ||
		!strings.Contains(err.Error(), "no block <!-- bench:skipped -->") {
		t.Errorf("a skipped section's block missing from the document: %v", err)
	}
}

// TestDocument checks that docs/benchmarks.md has exactly the blocks the
// sections fill, so that make bench cannot fail on its markers after
// minutes of measuring, and that keeping every block changes nothing.
func TestDocument(t *testing.T) {
	data, err := os.ReadFile("../../../docs/benchmarks.md")
	if err != nil {
		t.Fatal(err)
	}
	keep := map[string]bool{"machine": true}
	for _, s := range sections {
		for _, blk := range s.blocks {
			keep[blk] = true
		}
	}
	got, err := fill(string(data), nil, keep)
	if err != nil {
		t.Fatalf("docs/benchmarks.md: %v", err)
	}
	if got != string(data) {
		t.Fatal("keeping every block changed docs/benchmarks.md")
	}
}
