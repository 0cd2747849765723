package review

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// CommentMarker starts every markdown report, so that a pull-request
// workflow finds its own earlier comment and updates it.
const CommentMarker = "<!-- regprofile-diff -->"

// DefaultMaxMarkdown keeps a markdown report under GitHub's limit for a
// comment (65,536 characters), with room to spare.
const DefaultMaxMarkdown = 60000

// line is one line of a resource's change, with its diff marker: '+', '-',
// '~' (a changed resource) or ' '.
type line struct {
	mark byte
	text string
}

// resourceLines shows one resource's change the way a unified diff does, so
// that GitHub colours it in a ```diff block.
func resourceLines(r ResourceDiff) []line {
	var out []line
	switch r.Status {
	case Added, Removed:
		mark := byte('+')
		if r.Status == Removed {
			mark = '-'
		}
		out = append(out, line{mark, r.ID()})
		for _, l := range splitLines(r.YAML) {
			out = append(out, line{mark, "    " + l})
		}
		return out
	}
	out = append(out, line{'~', r.ID()})
	for _, f := range r.Fields {
		head := f.Path
		switch f.Change {
		case Added:
			head += " (added)"
		case Removed:
			head += " (removed)"
		case Reordered:
			head += " (order changed)"
		}
		out = append(out, line{' ', "  " + head})
		for _, l := range splitLines(f.From) {
			out = append(out, line{'-', "    " + l})
		}
		for _, l := range splitLines(f.To) {
			out = append(out, line{'+', "    " + l})
		}
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func (l line) String() string { return string(l.mark) + " " + l.text }

// riskLine is a risk on one line.
func riskLine(r Risk) string {
	return fmt.Sprintf("[%s] %s: %s: %s", r.Flag, r.Overlay, r.Resource, r.Reason)
}

// totals counts changed overlays and resources.
func (r *Report) totals() (overlays, added, removed, changed int) {
	for _, o := range r.Overlays {
		if o.Status != Unchanged {
			overlays++
		}
		added += o.Added
		removed += o.Removed
		changed += o.Changed
	}
	return
}

func (r *Report) headline() string {
	n, a, d, c := r.totals()
	if n == 0 {
		return fmt.Sprintf("no change in the %d overlays", len(r.Overlays))
	}
	return fmt.Sprintf("%d of %d overlays change: %s added, %d removed, %d changed; %s",
		n, len(r.Overlays), plural(a, "resource"), d, c, plural(len(r.Risks), "risk"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func (o OverlayDiff) counts() string {
	switch o.Status {
	case Unchanged:
		return Unchanged
	case Added, Removed:
		return fmt.Sprintf("%s (%d resources)", o.Status, o.Added+o.Removed)
	}
	return fmt.Sprintf("changed: %d added, %d removed, %d changed", o.Added, o.Removed, o.Changed)
}

// ANSI colours for the text format on a terminal.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// WriteText writes the report for a terminal or a log; colour adds ANSI
// colours.
func WriteText(w io.Writer, r *Report, colour bool) error {
	paint := func(code, s string) string {
		if !colour {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s → %s\n%s\n", paint(ansiBold, "regprofile diff:"), r.Base, r.Head, r.headline())
	if len(r.Risks) > 0 {
		b.WriteString("\n" + paint(ansiBold, "Risks:") + "\n")
		for _, k := range r.Risks {
			b.WriteString(paint(ansiRed, "  ! "+riskLine(k)) + "\n")
		}
	}
	width := 0
	for _, o := range r.Overlays {
		width = max(width, len(o.Name))
	}
	b.WriteString("\n" + paint(ansiBold, "Overlays:") + "\n")
	for _, o := range r.Overlays {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, o.Name, o.counts())
	}
	for _, o := range r.Overlays {
		if o.Status == Unchanged {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", paint(ansiBold, o.Name+": "+o.counts()))
		for _, res := range o.Resources {
			for _, l := range resourceLines(res) {
				switch l.mark {
				case '+':
					b.WriteString(paint(ansiGreen, l.String()))
				case '-':
					b.WriteString(paint(ansiRed, l.String()))
				case '~':
					b.WriteString(paint(ansiYellow, l.String()))
				default:
					b.WriteString(l.String())
				}
				b.WriteByte('\n')
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the report as a pull-request comment: the marker,
// the risks, a summary table per overlay, then each changed overlay's
// details folded. The comment stays within maxBytes: details that do not
// fit are left out and named; the summary always stays, and the risks
// come first, most severe first, with the ones that do not fit counted.
func WriteMarkdown(w io.Writer, r *Report, maxBytes int) error {
	var head, summary strings.Builder
	head.WriteString(CommentMarker + "\n## regprofile diff\n\n")
	fmt.Fprintf(&head, "Rendered `%s` → `%s`: %s.\n", r.Base, r.Head, r.headline())
	summary.WriteString("\n### Summary\n\n| overlay | status | added | removed | changed | risks |\n|---|---|---:|---:|---:|---:|\n")
	risksOf := map[string]int{}
	for _, k := range r.Risks {
		risksOf[k.Overlay]++
	}
	for _, o := range r.Overlays {
		fmt.Fprintf(&summary, "| `%s` | %s | %d | %d | %d | %d |\n", strings.ReplaceAll(o.Name, "|", `\|`), o.Status, o.Added, o.Removed, o.Changed, risksOf[o.Name])
	}

	var b strings.Builder
	b.WriteString(head.String())
	if len(r.Risks) > 0 {
		b.WriteString("\n### ⚠️ Risks\n\n")
		more := func(n int) string {
			return fmt.Sprintf("- _%s more left out to keep this comment under %d bytes. Run `regprofile diff` locally to see every risk._\n", plural(n, "risk"), maxBytes)
		}
		lines := make([]string, len(r.Risks))
		total := 0
		for i, k := range r.Risks {
			lines[i] = fmt.Sprintf("- **%s** `%s` `%s`: %s\n", k.Flag, k.Overlay, k.Resource, k.Reason)
			total += len(lines[i])
		}
		budget := maxBytes - b.Len() - summary.Len()
		if total <= budget {
			b.WriteString(strings.Join(lines, ""))
		} else {
			used := 0
			for i, l := range lines {
				if used+len(l)+len(more(len(lines)-i-1)) > budget {
					b.WriteString(more(len(lines) - i))
					break
				}
				b.WriteString(l)
				used += len(l)
			}
		}
	}
	b.WriteString(summary.String())

	var blocks []string
	var names []string
	for _, o := range r.Overlays {
		if o.Status == Unchanged {
			continue
		}
		var lines []string
		for _, res := range o.Resources {
			for _, l := range resourceLines(res) {
				lines = append(lines, l.String())
			}
		}
		body := strings.Join(lines, "\n")
		fence := codeFence(body)
		blocks = append(blocks, fmt.Sprintf("\n<details><summary><code>%s</code>: %s</summary>\n\n%sdiff\n%s\n%s\n\n</details>\n", o.Name, o.counts(), fence, body, fence))
		names = append(names, "`"+o.Name+"`")
	}
	if len(blocks) > 0 {
		b.WriteString("\n### Changes\n")
	}
	// Every block that fits goes in, in order; the note names the others.
	note := func(left []string) string {
		return fmt.Sprintf("\n_Left out to keep this comment under %d bytes: the details of %s. Run `regprofile diff` locally to see everything._\n", maxBytes, strings.Join(left, ", "))
	}
	reserve := len(note(names))
	if all := b.Len() + len(strings.Join(blocks, "")); all <= maxBytes {
		reserve = 0
	}
	var left []string
	for i, block := range blocks {
		if b.Len()+len(block)+reserve > maxBytes {
			left = append(left, names[i])
			continue
		}
		b.WriteString(block)
	}
	if len(left) > 0 {
		b.WriteString(note(left))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// codeFence returns a fence longer than any run of backticks in body.
func codeFence(body string) string {
	longest, run := 0, 0
	for _, c := range body {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
