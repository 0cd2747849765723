package build

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/fn/runtime/runtimeutil"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FunctionName is the exec path, a bare name looked up on PATH, under
// which kustomize runs the regprofile function.
const FunctionName = "regprofile"

// plan is how an in-process build reproduces kustomize's: the one
// kustomization (fnDir) whose last transformer is the regprofile
// function is built without it, the function runs in process on its
// resources, and the rest of the tree is built over the result.
type plan struct {
	fnDir      string // the kustomization that runs the function (absolute)
	fnKustFile string // its kustomization file
	withoutFn  []byte // that file without the function's transformers entry
	fnConfig   []byte // the function's configuration, as kustomize loads it
	spec       *runtimeutil.FunctionSpec
	// schemaSafe: no strategic-merge patch in the tree can reach a kind
	// of kyaml's built-in schema, so not parsing it changes nothing.
	schemaSafe bool
	// patches are the strategic-merge patch files of the function's
	// subtree, in the order kustomize applies them, and resources the
	// resource files: where an error's field can have been written.
	patches, resources []string
}

// kust is one kustomization of the tree.
type kust struct {
	dir, file string
	k         types.Kustomization
	// deprecated: the file uses fields kustomize warns about (read before
	// FixKustomization moves them).
	deprecated bool
	children   []*kust
	// fnConfig and fnSpec are the function's configuration and spec when
	// this kustomization runs the function (isFunction).
	fnConfig []byte
	fnSpec   *runtimeutil.FunctionSpec
}

// analyze decides whether dir can be built in process with exactly
// kustomize's result; when not, it says why (the build then runs
// kustomize's own exec path).
func analyze(dir string) (*plan, string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err.Error()
	}
	a := &analysis{seen: map[string]*kust{}, again: map[*kust]bool{}, schemaSafe: true}
	root, why := a.load(abs, 0)
	if root == nil {
		return nil, why
	}
	if a.fn == nil {
		return nil, "no kustomization in the tree lists the regprofile function as its transformer"
	}
	if a.again[a.fn] {
		// kustomize would run the function once per path to it.
		return nil, "the function's kustomization is reached more than once"
	}
	inSub := map[*kust]bool{}
	var mark func(k *kust)
	mark = func(k *kust) {
		if inSub[k] {
			return
		}
		inSub[k] = true
		for _, c := range k.children {
			mark(c)
		}
	}
	mark(a.fn)
	var p plan
	for _, k := range a.order {
		if why := checkKust(k, k == a.fn, inSub[k], a.fn != root); why != "" {
			return nil, rel(k.file) + ": " + why
		}
		if inSub[k] {
			p.resources = append(p.resources, k.resourceFiles()...)
		}
	}
	// kustomize applies a base's patches before its overlay's: a.order
	// lists a kustomization after everything below it.
	for _, k := range a.order {
		if inSub[k] {
			p.patches = append(p.patches, k.patchFiles()...)
		}
	}
	p.fnDir, p.fnKustFile = a.fn.dir, a.fn.file
	if p.withoutFn, err = withoutLastTransformer(a.fn.file); err != nil {
		return nil, err.Error()
	}
	p.fnConfig, p.spec = a.fn.fnConfig, a.fn.fnSpec
	p.schemaSafe = a.schemaSafe
	return &p, ""
}

type analysis struct {
	seen       map[string]*kust
	again      map[*kust]bool // reached more than once
	order      []*kust        // children before parents
	fn         *kust
	schemaSafe bool
}

const maxDepth = 64

func (a *analysis) load(dir string, depth int) (*kust, string) {
	if k, ok := a.seen[dir]; ok {
		a.again[k] = true
		return k, ""
	}
	if depth > maxDepth {
		return nil, "kustomizations nested too deep"
	}
	file := ""
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		if st, err := os.Stat(filepath.Join(dir, name)); err == nil && st.Mode().IsRegular() {
			if file != "" {
				return nil, dir + ": more than one kustomization file"
			}
			file = filepath.Join(dir, name)
		}
	}
	if file == "" {
		return nil, dir + ": no kustomization file"
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err.Error()
	}
	k := &kust{dir: dir, file: file}
	if err := k.k.Unmarshal(data); err != nil {
		return nil, rel(file) + ": " + firstLine(err.Error())
	}
	k.deprecated = deprecated(&k.k) // before FixKustomization moves them
	k.k.FixKustomization()
	a.seen[dir] = k
	for _, r := range k.k.Resources {
		if remote(r) {
			return nil, rel(file) + ": remote resource " + r
		}
		p := filepath.Join(dir, r)
		st, err := os.Stat(p)
		if err != nil {
			return nil, rel(file) + ": " + err.Error()
		}
		if !st.IsDir() {
			continue
		}
		c, why := a.load(p, depth+1)
		if c == nil {
			return nil, why
		}
		k.children = append(k.children, c)
	}
	if len(k.k.Transformers) > 0 && a.isFunction(k) {
		if a.fn != nil {
			return nil, "more than one kustomization runs the regprofile function"
		}
		a.fn = k
	}
	a.scanPatches(k)
	a.order = append(a.order, k)
	return k, ""
}

// isFunction reports whether k's only transformer is the regprofile
// function (checkKust refuses every other transformer).
func (a *analysis) isFunction(k *kust) bool {
	cfg, spec, why := functionConfig(k)
	if why != "" || spec == nil {
		return false
	}
	k.fnConfig, k.fnSpec = cfg, spec
	return true
}

// checkKust says what in k an in-process build could not reproduce
// exactly, or "". fn: k runs the function; sub: k is below it (its
// resources reach the function); nested: the function's kustomization
// is not the one built.
func checkKust(k *kust, fn, sub, nested bool) string {
	kk := &k.k
	switch {
	case kk.Kind == types.ComponentKind || len(kk.Components) > 0:
		return "components"
	case len(kk.Generators) > 0 || len(kk.ConfigMapGenerator) > 0 || len(kk.SecretGenerator) > 0 ||
		len(kk.HelmCharts) > 0 || kk.HelmGlobals != nil:
		return "generators"
	case len(kk.Validators) > 0:
		return "validators"
	case len(kk.Transformers) > 0 && !fn:
		return "transformers other than the regprofile function"
	case len(kk.BuildMetadata) > 0:
		return "buildMetadata"
	case len(kk.OpenAPI) > 0:
		return "a custom OpenAPI schema"
	case len(kk.Vars) > 0:
		return "vars"
	case kk.SortOptions != nil:
		return "sortOptions"
	case sub && (kk.NamePrefix != "" || kk.NameSuffix != "" || kk.Namespace != ""):
		// kustomize fixes references to renamed objects after every
		// transformer has run, the function's output included.
		return "a name prefix, suffix or namespace below the function"
	case !sub && nested && k.deprecated:
		// Its warnings would come after the function's lines.
		return "deprecated fields above the function's kustomization"
	}
	return ""
}

// functionConfig reads k's single transformers entry: a file, or a
// directory whose kustomization lists resource files and nothing else,
// holding exactly one object, an exec function whose path is
// "regprofile" with no arguments or environment.
func functionConfig(k *kust) ([]byte, *runtimeutil.FunctionSpec, string) {
	if len(k.k.Transformers) != 1 {
		return nil, nil, "more than one transformer"
	}
	entry := k.k.Transformers[0]
	if strings.Contains(entry, "\n") || remote(entry) {
		return nil, nil, "an inline or remote transformer"
	}
	path := filepath.Join(k.dir, entry)
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err.Error()
	}
	files := []string{path}
	if st.IsDir() {
		var tk types.Kustomization
		var found string
		for _, name := range konfig.RecognizedKustomizationFileNames() {
			if _, err := os.Stat(filepath.Join(path, name)); err == nil {
				if found != "" {
					return nil, nil, "more than one kustomization file in the transformer's directory"
				}
				found = filepath.Join(path, name)
			}
		}
		if found == "" {
			return nil, nil, "no kustomization in the transformer's directory"
		}
		data, err := os.ReadFile(found)
		if err != nil {
			return nil, nil, err.Error()
		}
		if err := tk.Unmarshal(data); err != nil {
			return nil, nil, err.Error()
		}
		bare := types.Kustomization{TypeMeta: tk.TypeMeta, Resources: tk.Resources}
		if !equalKust(tk, bare) || len(tk.Resources) == 0 {
			return nil, nil, "the transformer's kustomization does more than list resources"
		}
		files = nil
		for _, r := range tk.Resources {
			p := filepath.Join(path, r)
			if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() || remote(r) {
				return nil, nil, "the transformer's kustomization lists something other than files"
			}
			files = append(files, p)
		}
	}
	var nodes []*yaml.RNode
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err.Error()
		}
		ns, err := (&kio.ByteReader{Reader: strings.NewReader(string(data)), OmitReaderAnnotations: true}).Read()
		if err != nil {
			return nil, nil, err.Error()
		}
		nodes = append(nodes, ns...)
	}
	if len(nodes) != 1 {
		return nil, nil, "the transformer is not exactly one object"
	}
	spec, err := runtimeutil.GetFunctionSpec(nodes[0])
	if err != nil || spec == nil {
		return nil, nil, "the transformer is not a KRM function"
	}
	if spec.Exec.Path != FunctionName || len(spec.Exec.Args) > 0 || len(spec.Exec.Env) > 0 ||
		spec.Container.Image != "" {
		return nil, nil, "the transformer is not the regprofile exec function"
	}
	cfg, err := loadAsKustomize(files)
	if err != nil {
		return nil, nil, err.Error()
	}
	return cfg, spec, ""
}

func deprecated(k *types.Kustomization) bool {
	w := k.CheckDeprecatedFields()
	return w != nil && len(*w) > 0
}

func equalKust(a, b types.Kustomization) bool {
	x, err1 := yaml.Marshal(a)
	y, err2 := yaml.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// withoutLastTransformer is the kustomization file with its transformers
// entry removed, every other byte as written.
func withoutLastTransformer(file string) ([]byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	rn, err := yaml.Parse(string(data))
	if err != nil {
		return nil, err
	}
	if err := rn.PipeE(yaml.Clear("transformers")); err != nil {
		return nil, err
	}
	s, err := rn.String()
	return []byte(s), err
}

// remote reports whether a resource entry names something kustomize
// fetches (a URL or a git repository) rather than a local path.
func remote(entry string) bool {
	return strings.Contains(entry, "://") || strings.HasPrefix(entry, "git@") ||
		strings.HasPrefix(entry, "github.com/") || strings.Contains(entry, "?ref=")
}

func (k *kust) resourceFiles() []string {
	var out []string
	for _, r := range k.k.Resources {
		p := filepath.Join(k.dir, r)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	return out
}

func (k *kust) patchFiles() []string {
	var out []string
	for _, p := range k.k.Patches {
		if p.Path != "" {
			out = append(out, filepath.Join(k.dir, p.Path))
		}
	}
	for _, p := range k.k.PatchesStrategicMerge {
		if f := filepath.Join(k.dir, string(p)); !strings.Contains(string(p), "\n") {
			if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
				out = append(out, f)
			}
		}
	}
	return out
}

// rel names a file relative to the working directory when it is below
// it, as a user would write it.
func rel(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return path
}

// scanPatches clears schemaSafe when a strategic-merge patch of k could
// reach a kind that kyaml's built-in schema knows: kustomize merges those
// by the schema's merge keys, which suppressing the schema would change.
// A JSON 6902 patch never reads the schema. Anything unclear counts as
// reaching a built-in kind.
func (a *analysis) scanPatches(k *kust) {
	smp := func(content string, target *types.Selector) {
		if !a.schemaSafe {
			return
		}
		nodes, err := (&kio.ByteReader{Reader: strings.NewReader(content), OmitReaderAnnotations: true}).Read()
		if err != nil {
			rn, perr := yaml.Parse(content)
			if perr == nil && rn.YNode().Kind == yaml.SequenceNode {
				return // a JSON 6902 patch
			}
			a.schemaSafe = false
			return
		}
		if target != nil && !customGroup(target.Group) {
			a.schemaSafe = false
			return
		}
		for _, n := range nodes {
			if target == nil && !customGroup(groupOf(n.GetApiVersion())) {
				a.schemaSafe = false
				return
			}
		}
	}
	read := func(path string) (string, bool) {
		data, err := os.ReadFile(filepath.Join(k.dir, path))
		if err != nil {
			a.schemaSafe = false
			return "", false
		}
		return string(data), true
	}
	for _, p := range k.k.Patches {
		content := p.Patch
		if p.Path != "" {
			var ok bool
			if content, ok = read(p.Path); !ok {
				return
			}
		}
		smp(content, p.Target)
	}
	for _, p := range k.k.PatchesStrategicMerge {
		content := string(p)
		if !strings.Contains(content, "\n") {
			if data, err := os.ReadFile(filepath.Join(k.dir, content)); err == nil {
				content = string(data)
			}
		}
		smp(content, nil)
	}
}

func groupOf(apiVersion string) string {
	if g, _, ok := strings.Cut(apiVersion, "/"); ok {
		return g
	}
	return ""
}

// customGroup reports whether an API group is certainly not one of
// Kubernetes' own, the only ones kyaml's built-in schema holds: those
// are the core group, single words (apps, batch, policy, ...) and
// groups ending in .k8s.io (TestBuiltinSchemaGroups checks this).
func customGroup(group string) bool {
	return strings.Contains(group, ".") && !strings.HasSuffix(group, ".k8s.io") && group != "k8s.io"
}

// loadAsKustomize reads resource files as kustomize does (its resource
// factory) and returns the one object as kustomize hands it to a plugin.
func loadAsKustomize(files []string) ([]byte, error) {
	rf := provider.NewDepProvider().GetResourceFactory()
	var all []*resource.Resource
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		rs, err := rf.SliceFromBytes(data)
		if err != nil {
			return nil, err
		}
		all = append(all, rs...)
	}
	if len(all) != 1 {
		return nil, fmt.Errorf("the transformer is %d objects to kustomize", len(all))
	}
	return all[0].AsYAML()
}
