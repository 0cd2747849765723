package build

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/fn/runtime/runtimeutil"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// outputName is the file, beside the function's kustomization, through
// which the second stage reads the function's output. It exists only in
// the build's file system overlay.
const outputName = ".regprofile-build-output.yaml"

// errFallback means the in-process build met something it cannot
// reproduce exactly (an error kustomize reports in its own words, or
// input it drops before the function would see it): the build is redone
// through kustomize's exec path.
type errFallback struct{ why string }

func (e errFallback) Error() string { return e.why }

// function is the KRM function run in this process, two ways that give
// the same result: text reads a ResourceList and writes one, as the exec
// path runs it; nodes, when set, takes the items and the functionConfig
// already parsed and returns the items it would have written
// (krm.RunNodes). Both return the exit status; messages go to the
// function's stderr.
type function struct {
	text  func(stdin io.Reader, stdout io.Writer) int
	nodes func(items []*yaml.RNode, functionConfig *yaml.RNode) ([]*yaml.RNode, int)
}

// fastBuild builds dir as kustomize would, with the function run in
// process. A function that fails makes kustomize's own error (exit
// statuses are reproduced by exitStatus, a command that exits with the
// given status).
func fastBuild(dir string, p *plan, fn function, exitStatus []string) (resmap.ResMap, error) {
	// Stage 1: the function's kustomization without the function.
	// kustomize drops local-config objects once the whole build is done,
	// after the function has seen them; this stage ends a build, so its
	// files call the annotation by another name until the function runs.
	stage1 := newOverlayFS()
	stage1.rewrite = func(b []byte) []byte { return bytes.ReplaceAll(b, []byte(localConfig), []byte(localConfigHidden)) }
	stage1.set(p.fnKustFile, p.withoutFn)
	opts := krusty.MakeDefaultOptions() // keeps the order the function would see
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	m, err := krusty.MakeKustomizer(opts).Run(stage1, p.fnDir)
	if err != nil {
		return nil, errFallback{"kustomize reports an error before the function"}
	}
	if err := unhideLocalConfig(m); err != nil {
		return nil, err
	}

	// The function, as kustomize runs an exec transformer.
	status, err := applyFunction(m, p, fn)
	if err != nil {
		return nil, errFallback{"running the function: " + firstLine(err.Error())}
	}

	// Stage 2: the whole tree, the function's kustomization replaced by
	// its output (or, when the function failed, by a transformer that
	// fails the same way, so that kustomize words the error itself).
	stage2 := newOverlayFS()
	out := filepath.Join(p.fnDir, outputName)
	if _, err := os.Lstat(out); err == nil {
		return nil, errFallback{out + " exists"}
	}
	// kyaml's encoding of the nodes, not resmap's AsYaml (a JSON round
	// trip through go-yaml v2, most of what a build allocates): stage 2
	// parses them back into the same nodes, and kustomize's own AsYaml
	// writes the build's output at the end either way.
	yml, err := encode(m)
	if err != nil {
		return nil, err
	}
	stage2.set(out, yml)
	kust := "resources:\n- " + outputName + "\n"
	if status != 0 && len(exitStatus) == 0 {
		return nil, errFallback{"the function failed"}
	}
	if status != 0 {
		failing := filepath.Join(p.fnDir, ".regprofile-build-exit.yaml")
		cfg, err := yaml.Parse(string(p.fnConfig))
		if err != nil {
			return nil, err
		}
		spec := "exec:\n  path: " + exitStatus[0] + "\n  args: [" + strings.Join(append(exitStatus[1:], fmt.Sprint(status)), ", ") + "]\n"
		if err := cfg.PipeE(yaml.SetAnnotation(runtimeutil.FunctionAnnotationKey, spec)); err != nil {
			return nil, err
		}
		stage2.set(failing, []byte(cfg.MustString()))
		kust += "transformers:\n- " + filepath.Base(failing) + "\n"
	}
	stage2.set(p.fnKustFile, []byte(kust))
	m, err = krusty.MakeKustomizer(cliOptions()).Run(stage2, dir)
	if err != nil {
		if status != 0 {
			return nil, err // the function's failure, in kustomize's words
		}
		return nil, errFallback{"kustomize reports an error after the function"}
	}
	if status != 0 {
		return nil, errFallback{"the function failed but kustomize did not"}
	}
	return m, nil
}

const (
	localConfig = "config.kubernetes.io/local-config"
	// localConfigHidden is as long and sorts among other keys as
	// localConfig does, so that kustomize keeps annotations in the same
	// order whichever name it sees.
	localConfigHidden = "config.kubernetes.io/local-confiG"
)

// unhideLocalConfig gives the local-config annotation its name back. The
// hidden name in any other key or value means the renaming changed more
// than the annotation's key: the build is then redone the exact way.
// (Comments do not count: kustomize's output and the function's input are
// written through JSON, which drops them.)
func unhideLocalConfig(m resmap.ResMap) error {
	for _, r := range m.Resources() {
		a, err := r.Pipe(yaml.Lookup(yaml.MetadataField, yaml.AnnotationsField))
		if err != nil || a == nil || a.YNode().Kind != yaml.MappingNode {
			continue
		}
		c := a.YNode().Content
		for i := 0; i+1 < len(c); i += 2 {
			if c[i].Value == localConfigHidden {
				c[i].Value = localConfig
			}
		}
	}
	for _, r := range m.Resources() {
		if inKeyOrValue(r.YNode(), localConfigHidden) {
			return errFallback{"the local-config annotation's name appears outside annotation keys"}
		}
	}
	return nil
}

// inKeyOrValue reports whether s appears in a key or a value of the node
// tree.
func inKeyOrValue(n *yaml.Node, s string) bool {
	if n == nil {
		return false
	}
	if strings.Contains(n.Value, s) {
		return true
	}
	for _, c := range n.Content {
		if inKeyOrValue(c, s) {
			return true
		}
	}
	return false
}

// encode writes every resource of m with kyaml's encoder, one document
// each, in order.
func encode(m resmap.ResMap) ([]byte, error) {
	var b bytes.Buffer
	for i, r := range m.Resources() {
		if i > 0 {
			b.WriteString("---\n")
		}
		s, err := r.RNode.String()
		if err != nil {
			return nil, err
		}
		b.WriteString(s)
	}
	return b.Bytes(), nil
}

// idAnnotation is the annotation kustomize's exec transformers use to
// find their input objects in their output (api/internal/plugins/utils).
const idAnnotation = "kustomize.config.k8s.io/id"

// applyFunction does what kustomize's FnPlugin.Transform does for an exec
// transformer, with fn in place of the process: the same ResourceList
// in, the same bookkeeping on the way out. It returns the function's exit
// status; m is changed only when that is 0.
func applyFunction(m resmap.ResMap, p *plan, fn function) (int, error) {
	// The id annotations go on m's own nodes, not on a copy: when the
	// function succeeds, updateResMap replaces or removes every one of
	// them, and when it fails, m only feeds a build that fails.
	in := m
	for _, r := range in.Resources() {
		id, err := yaml.Marshal(r.CurId())
		if err != nil {
			return 0, err
		}
		a := r.GetAnnotations()
		a[idAnnotation] = string(id)
		if err := r.SetAnnotations(a); err != nil {
			return 0, err
		}
	}
	input, err := in.AsYaml()
	if err != nil {
		return 0, err
	}
	cfg, err := yaml.Parse(string(p.fnConfig))
	if err != nil {
		return 0, err
	}
	if err := cfg.PipeE(yaml.SetAnnotation("config.kubernetes.io/local-config", "true")); err != nil {
		return 0, err
	}
	// kyaml's runfn.RunFns.Execute with Input and Output set.
	buf := &kio.PackageBuffer{}
	if err := (kio.Pipeline{Inputs: []kio.Reader{&kio.ByteReader{Reader: bytes.NewReader(input)}}, Outputs: []kio.Writer{buf}}).Execute(); err != nil {
		return 0, err
	}
	// The function runs as the exec path runs it, through kyaml's
	// FunctionFilter and the ResourceList's text, or on the parsed nodes
	// (nodeFilter) where that is shown to be the same.
	status := 0
	textFilter := &runtimeutil.FunctionFilter{
		FunctionConfig: cfg,
		DeferFailure:   p.spec.DeferFailure,
		Run: func(r io.Reader, w io.Writer) error {
			if status = fn.text(r, w); status != 0 {
				return fmt.Errorf("exit status %d", status)
			}
			return nil
		},
	}
	var filter kio.Filter = textFilter
	if fn.nodes != nil && handOver(cfg, input) {
		filter = &nodeFilter{functionConfig: cfg, run: func(items []*yaml.RNode, cfg *yaml.RNode) ([]*yaml.RNode, int) {
			var out []*yaml.RNode
			out, status = fn.nodes(items, cfg)
			return out, status
		}}
	}
	output := &kio.PackageBuffer{}
	err = kio.Pipeline{Inputs: []kio.Reader{buf}, Filters: []kio.Filter{filter}, Outputs: []kio.Writer{output}}.Execute()
	if status != 0 {
		return status, nil
	}
	if err != nil {
		return 0, err
	}
	if err := textFilter.GetExit(); err != nil {
		return 0, err
	}
	resources, err := asResources(output.Nodes)
	if err != nil {
		return 0, err
	}
	return 0, updateResMap(m, resources)
}

// asResources is what kustomize makes of the function's output: runfn
// writes it with kio.ByteWriter, which clears the reader's annotations,
// and kustomize parses that text into resources. The nodes are already
// parsed (from the function's own output) and stage 2 writes and parses
// them once more, so the same cleanup on the nodes gives the same
// resources without a third trip through text. An item whose kind ends in
// "List" is one kustomize may expand while parsing: then the text path is
// taken, exactly as kustomize does it.
func asResources(nodes []*yaml.RNode) ([]*resource.Resource, error) {
	rf := provider.NewDepProvider().GetResourceFactory()
	for _, n := range nodes {
		if strings.HasSuffix(n.GetKind(), "List") {
			var text bytes.Buffer
			if err := (kio.ByteWriter{Writer: &text}).Write(nodes); err != nil {
				return nil, err
			}
			return rf.SliceFromBytes(text.Bytes())
		}
	}
	for _, n := range nodes {
		for _, a := range []string{kioutil.IndexAnnotation, kioutil.LegacyIndexAnnotation, kioutil.SeqIndentAnnotation} {
			if err := n.PipeE(yaml.ClearAnnotation(a)); err != nil {
				return nil, err
			}
		}
		if err := yaml.ClearEmptyAnnotations(n); err != nil {
			return nil, err
		}
	}
	return rf.ResourcesFromRNodes(nodes)
}

// updateResMap is kustomize's utils.UpdateResMapValues: objects the
// function returned replace those of the same id, new ones are
// appended, and objects it did not return are removed.
func updateResMap(rm resmap.ResMap, resources []*resource.Resource) error {
	newMap := resmap.New()
	for _, r := range resources {
		a := r.GetAnnotations()
		delete(a, idAnnotation)
		if err := r.SetAnnotations(a); err != nil {
			return err
		}
		if err := newMap.Append(r); err != nil {
			return fmt.Errorf("the function generated a duplicate resource: %s", r.CurId())
		}
		idx, err := rm.GetIndexOfCurrentId(r.CurId())
		if err != nil {
			return err
		}
		if idx != -1 {
			rm.GetByIndex(idx).ResetRNode(r)
		} else if err := rm.Append(r); err != nil {
			return err
		}
	}
	for _, id := range rm.AllIds() {
		if idx, _ := newMap.GetIndexOfCurrentId(id); idx == -1 {
			if err := rm.Remove(id); err != nil {
				return err
			}
		}
	}
	rm.DropEmpties()
	return nil
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
