package profile

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
)

// Source is one file of a profile given as several: the profile, then
// patches of it (an overlay's profile.yaml).
type Source struct {
	Name string
	Data []byte
}

// DecodeSources decodes the first source with every later one merged over
// it in order, as kustomize's patches merge an overlay's profile.yaml over
// the base's (the same strategic merge: objects merge key by key, a list
// replaces the list, null removes a field). Findings name the file and
// line of the field they are about: the last source that writes the whole
// field path, else the first source's nearest written parent.
func DecodeSources(srcs []Source) (*v1alpha1.RegistryProfile, diag.Findings) {
	nodes := make([]*yaml.RNode, len(srcs))
	for i, s := range srcs {
		n, fs := ParseDocument(s.Data)
		if fs != nil {
			return nil, inFile(s.Name, fs)
		}
		nodes[i] = n
	}
	if len(srcs) == 1 {
		p, fs := Decode(nodes[0])
		return p, inFile(srcs[0].Name, fs)
	}
	// Merge into a copy: the parsed sources keep their own lines.
	merged, err := yaml.Parse(nodes[0].MustString())
	for i := 1; i < len(nodes) && err == nil; i++ {
		patch := nodes[i].Copy()
		merged, err = merge2.Merge(patch, merged, yaml.MergeOptions{ListIncreaseDirection: yaml.MergeOptionsListPrepend})
		if err == nil && merged == nil {
			err = fmt.Errorf("%s deletes the profile ($patch: delete)", srcs[i].Name)
		}
	}
	if err != nil {
		return nil, diag.Findings{diag.Errorf("", "", "merging %s: %s", names(srcs), jsonError(err))}
	}
	p, fs := Decode(merged)
	return p, Attribute(srcs, nodes, fs)
}

// Attribute sets the file and line of each finding from the sources it was
// merged from (see DecodeSources).
func Attribute(srcs []Source, nodes []*yaml.RNode, fs diag.Findings) diag.Findings {
	out := make(diag.Findings, len(fs))
	for i, f := range fs {
		f.File, f.Line = srcs[0].Name, 0
		if f.Path != "" {
			f.Line, _ = lineOf(nodes[0].YNode(), f.Path)
			for j := len(nodes) - 1; j > 0; j-- {
				if line, whole := lineOf(nodes[j].YNode(), f.Path); whole {
					f.File, f.Line = srcs[j].Name, line
					break
				}
			}
		}
		out[i] = f
	}
	return out
}

func inFile(name string, fs diag.Findings) diag.Findings {
	for i := range fs {
		fs[i].File = name
	}
	return fs
}

func names(srcs []Source) string {
	var out []string
	for _, s := range srcs {
		out = append(out, s.Name)
	}
	return strings.Join(out, " and ")
}
