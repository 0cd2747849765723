package platforms

import (
	"maps"
	"slices"
	"strings"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// Class is what regprofile knows of a storage class: the access mode its
// volumes support best, and whether it binds a claim at once.
type Class struct {
	AccessMode string
	// Immediate: the class binds claims when they are created
	// (volumeBindingMode Immediate). An unknown class is treated as
	// WaitForFirstConsumer, the safe assumption for ordering.
	Immediate bool
}

// Classes are the storage classes the documents name, on any platform.
var Classes = map[string]Class{
	CephFSClass:                            {operator.ReadWriteMany, true}, // 001 §3.6.4, §3.7.4, §3.9.4
	"ocs-storagecluster-ceph-rbd":          {operator.ReadWriteOnce, true},
	"ocs-external-storagecluster-cephfs":   {operator.ReadWriteMany, true}, // ODF external mode
	"ocs-external-storagecluster-ceph-rbd": {operator.ReadWriteOnce, true},
	"thin-csi":                             {operator.ReadWriteOnce, false}, // vSphere CSI, 001 §3.7.3.3
	"thin":                                 {operator.ReadWriteOnce, false}, // vSphere in-tree
	"nutanix-volume":                       {operator.ReadWriteOnce, false}, // 001 §3.9.3.3
	"standard-csi":                         {operator.ReadWriteOnce, false}, // Cinder CSI
	"standard":                             {operator.ReadWriteOnce, false}, // Cinder in-tree
	"lvms-vg1":                             {operator.ReadWriteOnce, false}, // LVMS' default class, WaitForFirstConsumer
	LocalClass:                             {operator.ReadWriteOnce, false},
}

// ClassNames lists the known classes, sorted.
func ClassNames() []string { return slices.Sorted(maps.Keys(Classes)) }

// LookupClass returns what is known of a class; LVMS classes (lvms-<device
// class>) are all WaitForFirstConsumer.
func LookupClass(name string) (Class, bool) {
	if c, ok := Classes[name]; ok {
		return c, true
	}
	if strings.HasPrefix(name, "lvms-") {
		return Class{operator.ReadWriteOnce, false}, true
	}
	return Class{}, false
}

// VolumeStorage is a claim the profile creates: a block volume
// (ReadWriteOnce: one replica, Recreate) or a shared one (ReadWriteMany:
// CephFS, NFS, Nutanix Files), of the platform's default class unless the
// profile names one.
var VolumeStorage = &Storage{
	Name: "volume", Backend: operator.PVC, Section: "pvc",
	Doc:    "A claim the profile creates (`pvc`), of the platform's default class or any other; its access mode defaults to the class's (" + operator.ReadWriteMany + " for CephFS), else " + operator.ReadWriteOnce + ", which means 1 replica and " + operator.Recreate + "; before " + operator.Facts["accessMode."+operator.ReadWriteOnce].Since.String() + " the operator accepts " + operator.ReadWriteMany + " only. Documents: 001 §3.6.3.3, §3.7.3.3, §3.9.3.3, §3.6.4, 000 §3.4.1.",
	chosen: func(r *profile.Resolved) bool { return r.PVC != nil },
	choose: func(r *profile.Resolved) { r.PVC = &v1alpha1.PVCVolume{} },
	defaults: func(r *profile.Resolved, p *infra) {
		if r.PV == nil && !UsesDefaultClass(r.PVC) { // a static volume has its own class
			setString(r, &r.PVC.StorageClassName, "pvc.storageClassName", p.VolumeClass(r.Version), &r.Defaulted.PVCStorageClassName)
		}
		if c, ok := LookupClass(r.PVC.StorageClassName); ok && r.PV == nil {
			setString(r, &r.PVC.AccessMode, "pvc.accessMode", c.AccessMode)
		}
	},
	objects: func(r *profile.Resolved, _ *infra) []*manifest.Object { return claimObjects(r) },
}

// ClaimStorage is a claim that exists already, named by
// registry.storage.pvc.claim: the registry uses it as it is.
var ClaimStorage = &Storage{
	Name: "claim", Backend: operator.PVC, Section: "registry.storage.pvc.claim",
	Doc:    "A claim that exists already, named by `registry.storage.pvc.claim`; its access mode is unknown, so replicas default to 1 and " + operator.Recreate + ", and 2 or more replicas warn that it must be " + operator.ReadWriteMany + ". Documents: 001 §3.6.3.1, §3.7.3.1, §3.9.3.1.",
	chosen: func(r *profile.Resolved) bool { return backendSet(r, operator.PVC) && r.PVC == nil },
	choose: func(r *profile.Resolved) { r.Storage().PVC = &v1alpha1.PVCStorage{} },
}

// BindsImmediately reports whether a class is known to bind claims at once.
// Unknown classes are assumed WaitForFirstConsumer: a claim of such a class
// is ordered with the registry that binds it.
func BindsImmediately(class string) bool {
	c, _ := LookupClass(class)
	return c.Immediate
}

// claimObjects renders the claim the profile creates for the registry.
// Class, access mode, volume mode and size are always written out: they are
// immutable (size may only grow), and leaving one to the API server's
// defaults makes the next apply fail or drift.
func claimObjects(r *profile.Resolved) []*manifest.Object {
	spec := map[string]any{
		"accessModes": []string{r.PVC.AccessMode},
		"volumeMode":  r.PVC.VolumeMode,
		"resources":   map[string]any{"requests": map[string]any{"storage": r.PVC.Size}},
	}
	if !UsesDefaultClass(r.PVC) { // else only the cluster knows the class
		spec["storageClassName"] = r.PVC.StorageClassName
	}
	immediate := BindsImmediately(r.PVC.StorageClassName)
	if r.PV != nil {
		// Bound to the profile's own volume by name: it binds at once,
		// whatever the class's binding mode.
		spec["volumeName"] = r.PV.Name
		immediate = true
	}
	claim := manifest.New("v1", "PersistentVolumeClaim", manifest.RegistryNamespace, r.PVC.Name, map[string]any{"spec": spec})
	claim.WaitsForConsumer = !immediate
	return []*manifest.Object{claim}
}
