package review

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type entry struct {
	name, link, body string
	typ              byte
}

func tarOf(t *testing.T, entries []entry) *bytes.Buffer {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Linkname: e.link, Mode: 0o644, Size: int64(len(e.body))}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	return &buf
}

// Extraction never writes outside its directory: not through a name, not
// through a link, not through a link and a directory of one name.
func TestUntarStaysInside(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries []entry
		want    string // error text, "" for success
	}{
		{"a link out, then a file through it", []entry{{name: "a", link: "../outside", typ: tar.TypeSymlink}, {name: "a/", typ: tar.TypeDir}, {name: "a/x", body: "pwned", typ: tar.TypeReg}},
			"a is a symbolic link leading out of its directory; regprofile diff does not follow such links; fix: make it a link to a path below it, or a copy"},
		{"an absolute link", []entry{{name: "l", link: "/tmp", typ: tar.TypeSymlink}}, "l is a symbolic link leading out"},
		{"a link through a link", []entry{{name: "d/", typ: tar.TypeDir}, {name: "d/up", link: "sub/../..", typ: tar.TypeSymlink}}, "d/up is a symbolic link leading out"},
		{"a name that climbs", []entry{{name: "../evil", body: "x", typ: tar.TypeReg}}, `git archive: unsafe path "../evil"`},
		{"two entries of one name", []entry{{name: "f", body: "1", typ: tar.TypeReg}, {name: "f", body: "2", typ: tar.TypeReg}}, "git archive: f: "},
		{"a link and a directory of one name, inside", []entry{{name: "sub/", typ: tar.TypeDir}, {name: "b", link: "sub", typ: tar.TypeSymlink}, {name: "b/", typ: tar.TypeDir}, {name: "b/f", body: "ok", typ: tar.TypeReg}}, ""},
		{"a device", []entry{{name: "dev", typ: tar.TypeChar}}, "dev is neither a file, a directory nor a symbolic link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			dest := filepath.Join(parent, "tree")
			os.Mkdir(dest, 0o755)
			err := untar(tarOf(t, tc.entries), dest)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("got %v", err)
			case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
				t.Fatalf("got %v, want %s", err, tc.want)
			}
			entries, _ := os.ReadDir(parent)
			if len(entries) != 1 {
				t.Errorf("wrote beside the tree: %v", entries)
			}
		})
	}
}

// FuzzUntar feeds arbitrary archives to the extraction: whatever they hold,
// nothing appears outside the directory.
func FuzzUntar(f *testing.F) {
	f.Add(tarOf(&testing.T{}, []entry{{name: "a", link: "sub", typ: tar.TypeSymlink}, {name: "a/x", body: "1", typ: tar.TypeReg}}).Bytes())
	f.Add(tarOf(&testing.T{}, []entry{{name: "../x", body: "1", typ: tar.TypeReg}}).Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		dest := filepath.Join(parent, "tree")
		os.Mkdir(dest, 0o755)
		_ = untar(bytes.NewReader(data), dest)
		if entries, _ := os.ReadDir(parent); len(entries) != 1 {
			t.Fatalf("wrote beside the tree: %v", entries)
		}
	})
}
