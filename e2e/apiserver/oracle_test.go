package apiserver

import (
	"context"
	"fmt"
	"k8s.io/apimachinery/pkg/api/meta"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/kubernetes/pkg/apis/core"
	sigsyaml "sigs.k8s.io/yaml"

	"regprofile.dev/regprofile/e2e/diffcases"
	crdschema "regprofile.dev/regprofile/e2e/schema"
	"regprofile.dev/regprofile/internal/review"
	"regprofile.dev/regprofile/internal/testkit"
)

// fieldManager is the manager Argo CD's server-side apply uses.
const fieldManager = "argocd-controller"

func env() diffcases.Env {
	entries, _ := os.ReadDir(filepath.Join(repoRoot, "overlays"))
	var platforms []string
	for _, e := range entries {
		if e.IsDir() {
			platforms = append(platforms, e.Name())
		}
	}
	return diffcases.Env{Root: repoRoot, Kustomize: kustomize, Platforms: platforms}
}

// renders renders a case's base and head as regprofile diff does.
func renders(t *testing.T, c diffcases.Case) (base, head review.Rendering) {
	t.Helper()
	dir := diffcases.Repo(t, env(), c)
	baseRev, headRev := c.Revisions()
	if baseRev == "" {
		baseRev = "main"
	}
	baseTree, headTree := t.TempDir(), dir
	if err := review.Checkout(dir, baseRev, baseTree); err != nil {
		t.Fatal(err)
	}
	if headRev != "" {
		headTree = t.TempDir()
		if err := review.Checkout(dir, headRev, headTree); err != nil {
			t.Fatal(err)
		}
	}
	targets, err := review.Targets(dir, dir, c.Paths(), baseTree, headTree)
	if err != nil {
		t.Fatal(err)
	}
	if base, err = review.RenderTree(baseTree, targets); err != nil {
		t.Fatal(err)
	}
	if head, err = review.RenderTree(headTree, targets); err != nil {
		t.Fatal(err)
	}
	return base, head
}

func groupKind(o *review.Object) schema.GroupKind {
	return schema.FromAPIVersionAndKind(o.APIVersion, o.Kind).GroupKind()
}

// TestRefusedFlagsMatchTheServer: for every scripted change, the updates
// flagged "refused" are exactly the updates the API server refuses when
// Argo CD applies the head over the base.
func TestRefusedFlagsMatchTheServer(t *testing.T) {
	for _, c := range diffcases.Cases {
		t.Run(c.Name, func(t *testing.T) {
			base, head := renders(t, c)
			rep, err := review.Compare(base, head, "base", "head")
			if err != nil {
				t.Fatal(err)
			}
			var flagged []string
			for _, r := range rep.Risks {
				if r.Flag == review.FlagRefused {
					flagged = append(flagged, r.Overlay+" "+r.Resource)
				}
			}
			refused := map[string]string{}
			for overlay, headObjs := range head {
				for k, v := range refusedUpdates(t, base[overlay], headObjs) {
					refused[overlay+" "+k] = v
				}
			}
			flagged = uniq(flagged)
			var got []string
			for k := range refused {
				got = append(got, k)
			}
			sort.Strings(got)
			t.Logf("refused by the server: %d", len(got))
			if !slices.Equal(flagged, got) {
				var why []string
				for _, k := range got {
					why = append(why, k+": "+refused[k])
				}
				t.Errorf("flagged refused:\n  %s\nthe server refuses:\n  %s", strings.Join(flagged, "\n  "), strings.Join(why, "\n  "))
			}
		})
	}
}

func uniq(s []string) []string {
	sort.Strings(s)
	return slices.Compact(s)
}

// refusedUpdates applies each object of the head that exists at the base
// over the base's, and returns the refused ones (by Object.ID) with the
// server's answer.
func refusedUpdates(t *testing.T, baseObjs, headObjs []*review.Object) map[string]string {
	t.Helper()
	byKey := map[string]*review.Object{}
	for _, b := range baseObjs {
		byKey[groupKind(b).String()+" "+b.ID()] = b
	}
	// The StorageClasses the resize admission plugin sees: the head's, and
	// any other class a claim names, as one that allows expansion (what
	// the expansion flag asks the reviewer to check).
	var classes []*storagev1.StorageClass
	rendered := map[string]bool{}
	for _, h := range headObjs {
		if h.Kind == "StorageClass" {
			var sc storagev1.StorageClass
			if err := sigsyaml.Unmarshal([]byte(h.YAML), &sc); err != nil {
				t.Fatal(err)
			}
			classes = append(classes, &sc)
			rendered[sc.Name] = true
		}
	}
	for _, h := range headObjs {
		spec, _ := h.Doc["spec"].(map[string]any)
		if name, _ := spec["storageClassName"].(string); h.Kind == "PersistentVolumeClaim" && name != "" && !rendered[name] {
			yes := true
			classes = append(classes, &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: name}, AllowVolumeExpansion: &yes})
			rendered[name] = true
		}
	}
	out := map[string]string{}
	for _, h := range headObjs {
		b := byKey[groupKind(h).String()+" "+h.ID()]
		if b == nil {
			continue
		}
		if err := update(t, b, h, classes); err != nil {
			out[h.ID()] = err.Error()
		}
	}
	return out
}

// update judges one update; it fails the test when the base itself is
// refused.
func update(t *testing.T, b, h *review.Object, classes []*storagev1.StorageClass) error {
	t.Helper()
	gk := groupKind(h)
	if _, ok := crds[gk]; ok {
		ctx := context.Background()
		res := resourceFor(t, h)
		defer res.Delete(ctx, h.Name, metav1.DeleteOptions{})
		if _, err := apply(res, b, false); err != nil {
			t.Fatalf("the server refuses the base's %s: %v", b.ID(), err)
		}
		_, err := apply(res, h, false)
		return err
	}
	kind, ok := builtins[gk]
	if !ok {
		t.Fatalf("%s: no API server judges this kind", h.ID())
	}
	old, err := internal([]byte(b.YAML))
	if err != nil {
		t.Fatalf("the base's %s: %v", b.ID(), err)
	}
	if errs := kind.create(old); len(errs) > 0 {
		t.Fatalf("the base's %s is invalid: %v", b.ID(), errs.ToAggregate())
	}
	obj, err := internal([]byte(h.YAML))
	if err != nil {
		return err
	}
	// What the store adds on create and an apply carries over to the
	// updated object: ValidateObjectMetaUpdate requires the resourceVersion
	// and refuses a changed uid or creationTimestamp.
	stored, _ := meta.Accessor(old)
	stored.SetResourceVersion("1")
	stored.SetUID(types.UID("00000000-0000-0000-0000-000000000001"))
	stored.SetCreationTimestamp(metav1.Unix(1, 0))
	updated, _ := meta.Accessor(obj)
	updated.SetResourceVersion(stored.GetResourceVersion())
	updated.SetUID(stored.GetUID())
	updated.SetCreationTimestamp(stored.GetCreationTimestamp())
	// A claim is bound once the registry runs; an apply keeps the status.
	if pvc, ok := old.(*core.PersistentVolumeClaim); ok {
		pvc.Status.Phase = core.ClaimBound
		obj.(*core.PersistentVolumeClaim).Status = pvc.Status
	}
	if errs := kind.update(obj, old); len(errs) > 0 {
		return errs.ToAggregate()
	}
	if _, ok := old.(*core.PersistentVolumeClaim); ok {
		return resizeCheck(obj, old, classes)
	}
	return nil
}

// resourceFor is the dynamic client of the object's resource.
func resourceFor(t *testing.T, o *review.Object) resourceClient {
	t.Helper()
	gv, err := schema.ParseGroupVersion(o.APIVersion)
	if err != nil {
		t.Fatal(err)
	}
	k := crds[groupKind(o)]
	gvr := gv.WithResource(k.gvr.Resource)
	if k.namespaced {
		return dyn.Resource(gvr).Namespace(o.Namespace)
	}
	return dyn.Resource(gvr)
}

type resourceClient interface {
	Apply(ctx context.Context, name string, obj *unstructured.Unstructured, options metav1.ApplyOptions, subresources ...string) (*unstructured.Unstructured, error)
	Create(ctx context.Context, obj *unstructured.Unstructured, options metav1.CreateOptions, subresources ...string) (*unstructured.Unstructured, error)
	Delete(ctx context.Context, name string, options metav1.DeleteOptions, subresources ...string) error
	Patch(ctx context.Context, name string, pt types.PatchType, data []byte, options metav1.PatchOptions, subresources ...string) (*unstructured.Unstructured, error)
}

// apply server-side applies the object as Argo CD does: its field
// manager, forcing conflicts.
func apply(res resourceClient, o *review.Object, dryRun bool) (*unstructured.Unstructured, error) {
	u := &unstructured.Unstructured{}
	if err := sigsyaml.Unmarshal([]byte(o.YAML), &u.Object); err != nil {
		return nil, err
	}
	opts := metav1.ApplyOptions{FieldManager: fieldManager, Force: true}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return res.Apply(context.Background(), o.Name, u, opts)
}

// goldens are the function's golden renders, one per platform.
func goldens(t *testing.T) map[string][]*review.Object {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, testkit.GoldenRenders, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden renders: %v", err)
	}
	out := map[string][]*review.Object{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := review.ParseObjects(string(data))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = objs
	}
	return out
}

// TestGoldensPassServerDryRun: every object of every golden render is
// accepted by a server-side dry-run create with strict field validation
// and by a dry-run server-side apply (custom resources), or by the strict
// decoder and the create validation kube-apiserver runs (built-in kinds).
func TestGoldensPassServerDryRun(t *testing.T) {
	for name, objs := range goldens(t) {
		t.Run(name, func(t *testing.T) {
			for _, o := range objs {
				if err := dryRunCreate(t, o); err != nil {
					t.Errorf("%s: %v", o.ID(), err)
				}
			}
		})
	}
}

func dryRunCreate(t *testing.T, o *review.Object) error {
	t.Helper()
	gk := groupKind(o)
	if _, ok := crds[gk]; ok {
		res := resourceFor(t, o)
		u := &unstructured.Unstructured{}
		if err := sigsyaml.Unmarshal([]byte(o.YAML), &u.Object); err != nil {
			return err
		}
		if _, err := res.Create(context.Background(), u, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: "Strict"}); err != nil {
			return fmt.Errorf("dry-run create: %w", err)
		}
		if _, err := apply(res, o, true); err != nil {
			return fmt.Errorf("dry-run server-side apply: %w", err)
		}
		return nil
	}
	kind, ok := builtins[gk]
	if !ok {
		return fmt.Errorf("no API server judges %s", gk)
	}
	obj, err := internal([]byte(o.YAML))
	if err != nil {
		return err
	}
	return kind.create(obj).ToAggregate()
}

// TestUnknownFieldsCaughtAsServerSideApply: a field the schema lacks, in
// any golden object, is refused by server-side apply (as Argo CD's
// ServerSideApply=true sync meets it), and the offline validator
// (e2e/schema) reports the same field.
func TestUnknownFieldsCaughtAsServerSideApply(t *testing.T) {
	v, err := crdschema.New()
	if err != nil {
		t.Fatal(err)
	}
	for name, objs := range goldens(t) {
		t.Run(name, func(t *testing.T) {
			for _, o := range objs {
				bad := *o
				bad.YAML = strings.TrimSuffix(o.YAML, "\n") + "\nregprofileUnknownField: x\n"
				serverErr := dryRunCreate(t, &bad)
				if serverErr == nil || !strings.Contains(serverErr.Error(), "regprofileUnknownField") {
					t.Errorf("%s: the server accepts an unknown field: %v", o.ID(), serverErr)
				}
				var doc map[string]any
				if err := sigsyaml.Unmarshal([]byte(bad.YAML), &doc); err != nil {
					t.Fatal(err)
				}
				errs := v.ValidateObject(doc)
				if !strings.Contains(fmt.Sprint(errs), "regprofileUnknownField") {
					t.Errorf("%s: the server refuses the unknown field (%v) but e2e/schema reports %v", o.ID(), serverErr, errs)
				}
			}
		})
	}
}
