package testkit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"
)

// The repository's example: one base profile and one overlay per platform,
// whose profile.yaml patches the base's platform section.
const (
	ExampleBase     = "bases/registryprofile.yaml" // relative to RepoRoot
	exampleOverlays = "overlays"
)

// ExampleBaseProfile is the example's base profile, as written.
func ExampleBaseProfile(t testing.TB) []byte {
	t.Helper()
	return read(t, filepath.Join(Root(t), ExampleBase))
}

// ExampleOverlays are the example's overlay names (its platforms), sorted.
func ExampleOverlays(t testing.TB) []string {
	t.Helper()
	patches, err := filepath.Glob(filepath.Join(Root(t), exampleOverlays, "*", "profile.yaml"))
	if err != nil || len(patches) == 0 {
		t.Fatalf("no overlays/*/profile.yaml in the repository (%v)", err)
	}
	names := make([]string, len(patches))
	for i, p := range patches {
		names[i] = filepath.Base(filepath.Dir(p))
	}
	sort.Strings(names)
	return names
}

// ExampleOverlayPatch is one overlay's profile.yaml, the patch it applies
// to the base.
func ExampleOverlayPatch(t testing.TB, overlay string) []byte {
	t.Helper()
	return read(t, filepath.Join(Root(t), exampleOverlays, overlay, "profile.yaml"))
}

// ExampleProfile is what the given overlays render from: the base with
// each overlay's patch merged in order, as kustomize merges them. With no
// overlay it is the base; with every one of ExampleOverlays it is one
// profile naming every overlay's platform.
func ExampleProfile(t testing.TB, overlays ...string) []byte {
	t.Helper()
	data, err := ExampleProfileAt(Root(t), overlays...)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// ExampleProfileAt is ExampleProfile for a program (make bench), with the
// repository's root given.
func ExampleProfileAt(root string, overlays ...string) ([]byte, error) {
	base, err := os.ReadFile(filepath.Join(root, ExampleBase))
	if err != nil {
		return nil, err
	}
	merged := string(base)
	for _, o := range overlays {
		patch, err := os.ReadFile(filepath.Join(root, exampleOverlays, o, "profile.yaml"))
		if err != nil {
			return nil, err
		}
		merged, err = merge2.MergeStrings(string(patch), merged, false, yaml.MergeOptions{ListIncreaseDirection: yaml.MergeOptionsListAppend})
		if err != nil {
			return nil, fmt.Errorf("merging overlays/%s/profile.yaml into the base: %w", o, err)
		}
	}
	return []byte(merged), nil
}

// ExamplePlainProfile is ExampleProfile as a plain profile file, as emit
// and regprofile render read one: without the base's annotations (its
// config.kubernetes.io/local-config, which only kustomize needs).
func ExamplePlainProfile(t testing.TB, overlays ...string) []byte {
	t.Helper()
	data, err := Plain(ExampleProfile(t, overlays...))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Plain drops a profile's annotations.
func Plain(profile []byte) ([]byte, error) {
	node, err := yaml.Parse(string(profile))
	if err != nil {
		return nil, err
	}
	if err := node.PipeE(yaml.Lookup("metadata"), yaml.Clear("annotations")); err != nil {
		return nil, err
	}
	return []byte(node.MustString()), nil
}

var fleetRegions = []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"}

// FleetProfile is the example (a plain profile naming every overlay's
// platform) varied for cluster i: its name, buckets, containers, zones,
// volume sizes and pruner settings differ, so that no two clusters render
// the same bytes.
func FleetProfile(example []byte, i int) ([]byte, error) {
	p, err := yaml.Parse(string(example))
	if err != nil {
		return nil, err
	}
	id := fmt.Sprintf("%05d", i)
	set := func(value *yaml.RNode, path ...string) error {
		return p.PipeE(yaml.LookupCreate(yaml.MappingNode, path[:len(path)-1]...), yaml.SetField(path[len(path)-1], value))
	}
	str := yaml.NewStringRNode
	num := func(v int) *yaml.RNode {
		n := yaml.NewScalarRNode(fmt.Sprint(v))
		n.YNode().Tag = yaml.NodeTagInt
		return n
	}
	err = errors.Join(
		set(str("registry-"+id), "metadata", "name"),
		set(str("registry-"+id), "spec", "platforms", "aws-upi", "registry", "storage", "s3", "bucket"),
		set(str(fleetRegions[i%len(fleetRegions)]), "spec", "platforms", "aws-upi", "registry", "storage", "s3", "region"),
		set(str("registry-"+id), "spec", "platforms", "gcp-upi", "registry", "storage", "gcs", "bucket"),
		set(str("registry"+id), "spec", "platforms", "azure-gov", "registry", "storage", "azure", "accountName"),
		set(str("registry-"+id), "spec", "platforms", "azure-gov", "registry", "storage", "azure", "container"),
		set(str("registry-"+id), "spec", "platforms", "baremetal-odf-rgw", "objectBucket", "bucketName"),
		set(str(fmt.Sprintf("nova-%d", i%3)), "spec", "platforms", "rhosp-cinder", "cinder", "availabilityZone"),
		set(str(fmt.Sprintf("%dGi", 100+50*(i%8))), "spec", "platforms", "vsphere-block", "pvc", "size"),
		set(str(fmt.Sprintf("%dGi", 200+100*(i%4))), "spec", "platforms", "nutanix", "pvc", "size"),
		set(num(3+i%5), "spec", "pruner", "keepTagRevisions"),
	)
	if err != nil {
		return nil, err
	}
	s, err := p.String()
	return []byte(s), err
}

// ExampleFiles are the paths of the example's profile files, the base's
// and every overlay's, for seeding fuzz targets.
func ExampleFiles(t testing.TB) []string {
	t.Helper()
	root := Root(t)
	files := []string{filepath.Join(root, ExampleBase)}
	for _, o := range ExampleOverlays(t) {
		files = append(files, filepath.Join(root, exampleOverlays, o, "profile.yaml"))
	}
	return files
}

func read(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// GoldenRenders is the directory, relative to RepoRoot, of the example's
// golden renders: overlays/<name> built with kustomize is <name>.yaml.
const GoldenRenders = "e2e/testdata/golden"

// GoldenRenderDir is GoldenRenders as an absolute path.
func GoldenRenderDir(t testing.TB) string {
	t.Helper()
	return filepath.Join(Root(t), GoldenRenders)
}
