package build

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/comments"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/order"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/krm"
)

// nodeFilter is kyaml's runtimeutil.FunctionFilter for a function in
// this process that takes its items as nodes: the same ids, comment
// copy-back, field order and path annotations, without writing the
// ResourceList as one YAML document and parsing the function's back.
// That text boundary was most of what applying the function cost: go-yaml
// v3's emitter queues every event of a document, so one large document
// costs far more than its size (docs/benchmarks.md).
//
// The function sees what it would read from FunctionFilter's text: a copy
// of each item with empty annotations cleared, as kio.ByteWriter writes
// them. The input came from kustomize's JSON-based output (no anchors,
// tags or comments), which go-yaml v3 writes and reads back to the same
// nodes; only their line numbers differ, and the function reports
// none for objects that came through kustomize. Its output then goes
// through stage 2's text, as the exec path's does.
type nodeFilter struct {
	functionConfig *yaml.RNode
	run            func(items []*yaml.RNode, functionConfig *yaml.RNode) ([]*yaml.RNode, int)
}

// handOver reports whether a nodeFilter gives FunctionFilter's result for
// this function config and input:
//   - a function config with a path annotation scopes the function to
//     part of the input, which FunctionFilter does and nodeFilter does not;
//   - input near the function's size bound (krm.MaxResourceListBytes) is
//     refused by the function as text, so the text path decides. The
//     ResourceList's text is the input, indented, with a few annotations:
//     a quarter of the bound leaves room for any indentation.
func handOver(functionConfig *yaml.RNode, input []byte) bool {
	a := functionConfig.GetAnnotations()
	_, scoped := a[kioutil.PathAnnotation]
	_, legacyScoped := a[kioutil.LegacyPathAnnotation]
	return !scoped && !legacyScoped && len(input) <= krm.MaxResourceListBytes/4
}

// Filter follows FunctionFilter.Filter step by step.
func (f *nodeFilter) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	ids := make(map[string]*yaml.RNode, len(nodes))
	items := make([]*yaml.RNode, len(nodes))
	for i, n := range nodes {
		id := strconv.Itoa(i + 1)
		for _, a := range []string{kioutil.IdAnnotation, kioutil.LegacyIdAnnotation} {
			if err := n.PipeE(yaml.SetAnnotation(a, id)); err != nil {
				return nil, err
			}
		}
		ids[id] = n
		items[i] = n.Copy()
		if err := yaml.ClearEmptyAnnotations(items[i]); err != nil {
			return nil, err
		}
	}
	output, status := f.run(items, f.functionConfig.Copy())
	for _, n := range output {
		if err := copyCommentsAndSyncOrder(ids, n); err != nil {
			return nil, err
		}
	}
	if status != 0 {
		return output, fmt.Errorf("exit status %d", status)
	}
	// The function config has no path annotation: FunctionFilter's
	// function directory is "".
	if err := kioutil.DefaultPathAnnotation("", output); err != nil {
		return nil, err
	}
	return output, nil
}

// copyCommentsAndSyncOrder is FunctionFilter's step of that name for one
// output item: an item that carries an input's id gets that input's
// comments and field order, and loses the id.
func copyCommentsAndSyncOrder(ids map[string]*yaml.RNode, n *yaml.RNode) error {
	a := n.GetAnnotations()
	id, ok := a[kioutil.IdAnnotation]
	if !ok {
		if id, ok = a[kioutil.LegacyIdAnnotation]; !ok {
			return nil
		}
	}
	in, found := ids[id]
	if !found {
		return nil
	}
	if err := comments.CopyComments(in, n); err != nil {
		return err
	}
	if err := order.SyncOrder(in, n); err != nil {
		return err
	}
	for _, key := range []string{kioutil.IdAnnotation, kioutil.LegacyIdAnnotation} {
		if err := n.PipeE(yaml.ClearAnnotation(key)); err != nil {
			return err
		}
	}
	return nil
}
