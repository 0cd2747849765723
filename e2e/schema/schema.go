// Package schema validates rendered Kubernetes objects against their real
// schemas, for use from Go tests, without a cluster.
//
// "Real" means:
//
//   - Custom resources are validated against the upstream CRD manifests,
//     read from the upstream Go modules at pinned versions (see CRDSources),
//     with the apiextensions-apiserver's own code: OpenAPI v3 validation,
//     unknown-field detection by pruning, defaulting, list-type checks and
//     CEL x-kubernetes-validations rules.
//   - Built-in kinds are decoded strictly into the k8s.io/api Go types
//     (unknown and duplicate fields are errors) and get metadata checks plus
//     a few semantic checks that catch real deployment failures.
//   - Anything else is an error: an object with no known schema is never
//     passed silently.
//
// Default knows one snapshot of the image registry's CRDs, the one go.mod
// selects. ForRelease(release) knows the registry's Config and ImagePruner
// as a given OpenShift release defines them (see ReleasePins and Releases),
// including the apiextensions.k8s.io/v1beta1 CRDs of 4.3 to 4.6, and
// HasField and RequiresField answer what a release's schema declares.
//
// Typical use from a test:
//
//	v, err := schema.Default()
//	if err != nil {
//		t.Fatal(err)
//	}
//	for _, err := range v.ValidateYAML(rendered) {
//		t.Error(err)
//	}
package schema

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// Validator validates objects against real schemas. Safe for concurrent use
// after New: it is never mutated after construction, every validation works
// on its own copy of the object, and the underlying OpenAPI and CEL
// validators are the ones the API server shares across requests.
type Validator struct {
	// release is the OpenShift release of a ForRelease validator; empty
	// for New and Default.
	release  string
	crds     map[schema.GroupVersionKind]*crdVersion
	builtins map[schema.GroupVersionKind]builtinKind
	// served lists the served versions per group/kind, to explain
	// "no schema" errors for a wrong or unserved version.
	served map[schema.GroupKind][]string
}

// New loads every CRD in CRDSources and prepares all validators. It runs the
// go command once to locate (and if needed download) the modules, so the
// current directory must be inside the regprofile module. Prefer Default,
// which does this once per process.
func New() (*Validator, error) {
	return newFromSources(CRDSources, builtinKinds())
}

var (
	defaultOnce      sync.Once
	defaultValidator *Validator
	defaultErr       error
)

// Default returns a process-wide Validator, built by New on first use.
// Loading schemas is the expensive part, so tests should share this one.
func Default() (*Validator, error) {
	defaultOnce.Do(func() {
		defaultValidator, defaultErr = New()
	})
	return defaultValidator, defaultErr
}

// newFromSources loads the CRDs of sources; builtins are the built-in kinds
// the Validator knows besides them (may be nil).
func newFromSources(sources []CRDSource, builtins map[schema.GroupVersionKind]builtinKind) (*Validator, error) {
	files, err := resolveSources(sources)
	if err != nil {
		return nil, fmt.Errorf("locating CRD modules: %w", err)
	}

	// Files are independent; decode and prepare them concurrently.
	type result struct {
		versions []*crdVersion
		err      error
	}
	results := make([]result, len(sources))
	var wg sync.WaitGroup
	for i := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vs, err := loadCRDFile(sources[i], files[i])
			results[i] = result{vs, err}
		}()
	}
	wg.Wait()

	v := &Validator{
		crds:     map[schema.GroupVersionKind]*crdVersion{},
		builtins: builtins,
		served:   map[schema.GroupKind][]string{},
	}
	var errs []error
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		for _, cv := range r.versions {
			if prev, dup := v.crds[cv.gvk]; dup {
				errs = append(errs, fmt.Errorf("%s is defined by both %s and %s", cv.gvk, prev.source, cv.source))
				continue
			}
			if _, clash := v.builtins[cv.gvk]; clash {
				errs = append(errs, fmt.Errorf("%s from %s clashes with a built-in kind", cv.gvk, cv.source))
				continue
			}
			v.crds[cv.gvk] = cv
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for gvk := range v.crds {
		v.served[gvk.GroupKind()] = append(v.served[gvk.GroupKind()], gvk.Version)
	}
	for gvk := range v.builtins {
		v.served[gvk.GroupKind()] = append(v.served[gvk.GroupKind()], gvk.Version)
	}
	for _, vs := range v.served {
		sort.Strings(vs)
	}
	return v, nil
}

// Kinds returns every apiVersion/kind the Validator has a schema for, sorted.
func (v *Validator) Kinds() []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for gvk := range v.crds {
		out = append(out, gvk)
	}
	for gvk := range v.builtins {
		out = append(out, gvk)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// ObjectError is one problem with one object. Its message is
// "<kind>/<name>: <problem>". Err is a *field.Error for schema and
// semantic violations (use errors.As to get the field path), an
// *UnknownFieldError for undeclared fields, and a plain error otherwise.
type ObjectError struct {
	Kind, Name string
	Err        error
}

func (e *ObjectError) Error() string { return e.Kind + "/" + e.Name + ": " + e.Err.Error() }
func (e *ObjectError) Unwrap() error { return e.Err }

// UnknownFieldError reports a field that the schema does not declare. Path
// uses the API server's notation, e.g. "spec.replcas" or "spec.items[0].x".
// The message matches the API server's strict field validation.
type UnknownFieldError struct{ Path string }

func (e *UnknownFieldError) Error() string { return fmt.Sprintf("unknown field %q", e.Path) }

// ValidateYAML validates every document of a multi-document YAML stream;
// returns one error per problem, each prefixed "<kind>/<name>: ". Empty
// documents are skipped. A document that is not valid YAML, or not a
// mapping, is reported as "document <n>: ..." (n counts from 1).
func (v *Validator) ValidateYAML(stream []byte) []error {
	var errs []error
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(stream)))
	for n := 1; ; n++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return errs
		}
		if err != nil {
			return append(errs, fmt.Errorf("document %d: reading YAML stream: %w", n, err))
		}
		// Strict conversion: duplicate keys are an error, as they are for
		// the API server's strict decoding (YAML would silently keep the
		// last one). On failure, convert leniently so the object can still
		// be identified and validated.
		raw, strictErr := yaml.YAMLToJSONStrict(doc)
		if strictErr != nil {
			if raw, err = yaml.YAMLToJSON(doc); err != nil {
				errs = append(errs, fmt.Errorf("document %d: %w", n, err))
				continue
			}
		}
		if t := bytes.TrimSpace(raw); len(t) == 0 || bytes.Equal(t, []byte("null")) {
			continue // empty document, e.g. a leading "---" or only comments
		}
		obj, err := decodeObject(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("document %d: %w", n, err))
			continue
		}
		if strictErr != nil {
			kind, name := identify(obj)
			errs = append(errs, &ObjectError{Kind: kind, Name: name, Err: strictErr})
		}
		errs = append(errs, v.validate(obj, raw)...)
	}
}

// ValidateObject validates one object given as unstructured map. The map is
// not modified. Values may be anything encoding/json can marshal (so Go ints
// and nested structs work as well as what a YAML/JSON decoder produces).
func (v *Validator) ValidateObject(obj map[string]interface{}) []error {
	// A JSON round trip gives a private deep copy (validation prunes and
	// defaults in place) and normalizes numbers to int64/float64, the
	// representation the API server's validators expect.
	raw, err := json.Marshal(obj)
	if err != nil {
		kind, name := identify(obj)
		return []error{&ObjectError{Kind: kind, Name: name, Err: fmt.Errorf("encoding object as JSON: %w", err)}}
	}
	cp, err := decodeObject(raw)
	if err != nil {
		kind, name := identify(obj)
		return []error{&ObjectError{Kind: kind, Name: name, Err: err}}
	}
	return v.validate(cp, raw)
}

// decodeObject decodes JSON the way the API server decodes unstructured
// objects: case-sensitive, integers as int64.
func decodeObject(raw []byte) (map[string]interface{}, error) {
	var obj map[string]interface{}
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(raw, &obj); err != nil {
		return nil, fmt.Errorf("not a Kubernetes object (a YAML/JSON mapping): %w", err)
	}
	return obj, nil
}

// validate dispatches on apiVersion/kind. obj and raw are the same object;
// obj is a private copy that may be modified, raw feeds strict decoding of
// built-in kinds.
func (v *Validator) validate(obj map[string]interface{}, raw []byte) []error {
	kind, name := identify(obj)
	wrap := func(errs []error) []error {
		for i, err := range errs {
			errs[i] = &ObjectError{Kind: kind, Name: name, Err: err}
		}
		return errs
	}

	apiVersion, avOK := obj["apiVersion"].(string)
	kindStr, kOK := obj["kind"].(string)
	var typeErrs []error
	if !avOK || apiVersion == "" {
		typeErrs = append(typeErrs, field.Required(field.NewPath("apiVersion"), "every object needs an apiVersion"))
	}
	if !kOK || kindStr == "" {
		typeErrs = append(typeErrs, field.Required(field.NewPath("kind"), "every object needs a kind"))
	}
	if len(typeErrs) > 0 {
		return wrap(typeErrs)
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return wrap([]error{field.Invalid(field.NewPath("apiVersion"), apiVersion, err.Error())})
	}
	gvk := gv.WithKind(kindStr)

	if b, ok := v.builtins[gvk]; ok {
		return wrap(b.validate(raw))
	}
	if cv, ok := v.crds[gvk]; ok {
		return wrap(cv.validate(obj))
	}
	msg := fmt.Sprintf("no schema for %s/%s", apiVersion, kindStr)
	if v.release != "" {
		msg += " in OpenShift " + v.release + "'s schemas"
	}
	if versions := v.served[gvk.GroupKind()]; len(versions) > 0 {
		msg += fmt.Sprintf(" (known versions of %s: %s)", gvk.GroupKind(), strings.Join(versions, ", "))
	}
	return wrap([]error{errors.New(msg)})
}

// identify returns the kind and name used to prefix errors, with
// placeholders when they are missing or not strings.
func identify(obj map[string]interface{}) (kind, name string) {
	kind, _ = obj["kind"].(string)
	if kind == "" {
		kind = "<no kind>"
	}
	if meta, ok := obj["metadata"].(map[string]interface{}); ok {
		name, _ = meta["name"].(string)
	}
	if name == "" {
		name = "<no name>"
	}
	return kind, name
}
