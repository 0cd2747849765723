package krm

import (
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/diag"
)

// The KRM functions specification's ResourceList and results, as kyaml's
// fn/framework reads and writes them (framework.Execute, framework.Result:
// the same fields, the same YAML). regprofile does this small part itself:
// fn/framework links kube-openapi's validation packages, whose inits
// compile format regexps on every start (about 4 ms here, on every Argo CD
// refresh; docs/benchmarks.md, section 2), and regprofile uses none of
// them. kyaml's kio still reads and writes the ResourceList.

// Severity of a result: "error", "warning" or "info", as findings have.
type Severity = diag.Severity

// The severities, as the specification spells them.
const (
	Error   = diag.Error
	Warning = diag.Warning
	Info    = diag.Info
)

// Result is one result of the function, as kyaml's framework.Result.
type Result struct {
	// Message says what is wrong, and how to fix it.
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
	// Severity is error, warning or info.
	Severity Severity `yaml:"severity,omitempty" json:"severity,omitempty"`
	// ResourceRef is the object the result is about: the profile.
	ResourceRef *yaml.ResourceIdentifier `yaml:"resourceRef,omitempty" json:"resourceRef,omitempty"`
	// Field is the profile's field the result is about.
	Field *Field `yaml:"field,omitempty" json:"field,omitempty"`
	// File is the file the profile came from, when the orchestrator says.
	File *File `yaml:"file,omitempty" json:"file,omitempty"`
	// Tags carry the ID of the rule that found it, under RuleTag.
	Tags map[string]string `yaml:"tags,omitempty" json:"tags,omitempty"`
}

// Field is a result's field path.
type Field struct {
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
}

// File is a result's file.
type File struct {
	Path  string `yaml:"path,omitempty" json:"path,omitempty"`
	Index int    `yaml:"index,omitempty" json:"index,omitempty"`
}

// RuleTag is the result tag that names the rule behind a result, the ID
// listed in docs/reference.md.
const RuleTag = "regprofile.dev/rule"

// ResourceList is the function's input and output.
type ResourceList struct {
	Items          []*yaml.RNode
	FunctionConfig *yaml.RNode
	Results        []*Result
}

// HasErrors reports whether any result is an error.
func (rl *ResourceList) HasErrors() bool {
	for _, r := range rl.Results {
		if r.Severity == Error {
			return true
		}
	}
	return false
}

// execute reads a ResourceList from rw, runs process on it and writes the
// ResourceList back with its results, as framework.Execute does,
// kio's annotation bookkeeping included.
func execute(rw *kio.ByteReadWriter, process func(*ResourceList)) (*ResourceList, error) {
	rl := &ResourceList{}
	var err error
	if rl.Items, err = rw.Read(); err != nil {
		return nil, err
	}
	rl.FunctionConfig = rw.FunctionConfig
	if err := filter(rl, process); err != nil {
		return nil, err
	}
	if len(rl.Results) > 0 {
		b, err := yaml.Marshal(rl.Results)
		if err != nil {
			return nil, err
		}
		if rw.Results, err = yaml.Parse(string(b)); err != nil {
			return nil, err
		}
	}
	return rl, rw.Write(rl.Items)
}

// filter is the part of execute between reading and writing: process, with
// kio's bookkeeping of its internal annotations around it.
func filter(rl *ResourceList, process func(*ResourceList)) error {
	annos, err := kio.PreprocessResourcesForInternalAnnotationMigration(rl.Items)
	if err != nil {
		return err
	}
	process(rl)
	return kio.ReconcileInternalAnnotations(rl.Items, annos)
}
