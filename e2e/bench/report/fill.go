package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// A generated block of docs/benchmarks.md is what stands between
// <!-- bench:NAME --> and <!-- /bench:NAME -->. An opening marker that ends
// its line opens a block of whole lines; one followed by text on the same
// line opens an inline block (a table cell), which takes no newline.
var marker = regexp.MustCompile(`<!--\s*(/?)bench:([^\s>]*)\s*-->`)

// fill replaces the content of each block named in blocks and keeps the
// content of each block named in keep (measurements skipped in this run).
// Every block in doc must be one or the other, and every name in either
// must have a block in doc; else fill fails naming the marker and its line.
// Everything outside the blocks is left byte for byte.
func fill(doc string, blocks map[string]string, keep map[string]bool) (string, error) {
	var out strings.Builder
	seen := map[string]bool{}
	locs := marker.FindAllStringSubmatchIndex(doc, -1)
	line := func(at int) int { return strings.Count(doc[:at], "\n") + 1 }
	last := 0
	for i := 0; i < len(locs); i += 2 {
		open := locs[i]
		name := doc[open[4]:open[5]]
		if doc[open[2]:open[3]] == "/" {
			return "", fmt.Errorf("line %d: <!-- /bench:%s --> closes no open block", line(open[0]), name)
		}
		if i+1 == len(locs) {
			return "", fmt.Errorf("line %d: <!-- bench:%s --> is never closed by <!-- /bench:%s -->", line(open[0]), name, name)
		}
		end := locs[i+1]
		if doc[end[2]:end[3]] != "/" || doc[end[4]:end[5]] != name {
			return "", fmt.Errorf("line %d: <!-- bench:%s --> is not closed before line %d's %s",
				line(open[0]), name, line(end[0]), doc[end[0]:end[1]])
		}
		seen[name] = true
		out.WriteString(doc[last:open[1]])
		text, ok := blocks[name]
		switch {
		case ok && strings.HasPrefix(doc[open[1]:], "\n"):
			out.WriteString("\n" + text)
			if text != "" && !strings.HasSuffix(text, "\n") {
				out.WriteString("\n")
			}
		case ok && strings.Contains(text, "\n"):
			return "", fmt.Errorf("line %d: <!-- bench:%s --> is inline, but its content has several lines", line(open[0]), name)
		case ok:
			out.WriteString(text)
		case keep[name]:
			out.WriteString(doc[open[1]:end[0]])
		default:
			return "", fmt.Errorf("line %d: unknown block <!-- bench:%s --> (make bench fills %s)", line(open[0]), name, strings.Join(known(blocks, keep), ", "))
		}
		last = end[0]
	}
	out.WriteString(doc[last:])
	for _, name := range known(blocks, keep) {
		if !seen[name] {
			return "", fmt.Errorf("no block <!-- bench:%s --> … <!-- /bench:%s -->: add one where its figures belong", name, name)
		}
	}
	return out.String(), nil
}

func known(blocks map[string]string, keep map[string]bool) []string {
	var names []string
	for n := range blocks {
		names = append(names, n)
	}
	for n := range keep {
		if _, ok := blocks[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}
