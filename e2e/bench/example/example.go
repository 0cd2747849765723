// Package example builds the profiles the benchmarks render: the
// repository's example as one profile naming every overlay's platform, and a
// fleet of distinct variants of it.
package example

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"
)

// Profile merges the repository's base profile with every overlay's patch,
// as kustomize does: one profile with every overlay's platform section. It is a
// plain file, as emit reads it: the base's local-config annotation is gone.
func Profile(repo string) (*yaml.RNode, error) {
	base, err := os.ReadFile(filepath.Join(repo, "bases", "registryprofile.yaml"))
	if err != nil {
		return nil, err
	}
	patches, err := filepath.Glob(filepath.Join(repo, "overlays", "*", "profile.yaml"))
	if err != nil {
		return nil, err
	}
	if len(patches) == 0 {
		return nil, fmt.Errorf("no overlays/*/profile.yaml under %s", repo)
	}
	sort.Strings(patches)
	merged := string(base)
	for _, p := range patches {
		patch, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		merged, err = merge2.MergeStrings(string(patch), merged, false, yaml.MergeOptions{ListIncreaseDirection: yaml.MergeOptionsListAppend})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	node, err := yaml.Parse(merged)
	if err != nil {
		return nil, err
	}
	if err := node.PipeE(yaml.Lookup("metadata"), yaml.Clear("annotations")); err != nil {
		return nil, err
	}
	return node, nil
}

var regions = []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"}

// Fleet is the example varied for cluster i: its name, buckets, containers,
// zones, volume sizes and pruner settings differ, so that no two clusters
// render the same bytes.
func Fleet(example *yaml.RNode, i int) ([]byte, error) {
	p := example.Copy()
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
	err := errors.Join(
		set(str("registry-"+id), "metadata", "name"),
		set(str("registry-"+id), "spec", "platforms", "aws-upi", "registry", "storage", "s3", "bucket"),
		set(str(regions[i%len(regions)]), "spec", "platforms", "aws-upi", "registry", "storage", "s3", "region"),
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
