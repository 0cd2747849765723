package platforms

import (
	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/profile"
)

// volumeObjects renders the claim a PVC platform creates for the registry.
// Class, access mode, volume mode and size are always written out: they are
// immutable (size may only grow), and leaving one to the API server's
// defaults makes the next apply fail or drift. The one exception is a
// volume on the cluster's default class (pvc.defaultStorageClass), whose
// class only the cluster knows.
func volumeObjects(r *profile.Resolved) []*kobj.Object {
	if r.PVC == nil {
		return nil
	}
	spec := map[string]any{
		"accessModes": []string{r.PVC.AccessMode},
		"volumeMode":  r.PVC.VolumeMode,
		"resources":   map[string]any{"requests": map[string]any{"storage": r.PVC.Size}},
	}
	if !UsesDefaultClass(r.PVC) {
		spec["storageClassName"] = r.PVC.StorageClassName
	}
	claim := kobj.New("v1", "PersistentVolumeClaim", kobj.RegistryNamespace, r.PVC.Name, map[string]any{"spec": spec})
	claim.WaitsForConsumer = !BindsImmediately(r.PVC.StorageClassName)
	return []*kobj.Object{claim}
}

// immediateClasses are the storage classes known to bind a claim as soon as
// it exists (volumeBindingMode Immediate), on every platform: OpenShift Data
// Foundation's RBD and CephFS classes, internal and external mode. Any other
// class may be WaitForFirstConsumer (LVMS, local volumes, most CSI block
// drivers, and the Cinder class rhosp-cinder renders are), and its claim
// stays Pending until the registry's pod uses it.
var immediateClasses = map[string]bool{
	"ocs-storagecluster-ceph-rbd":          true,
	CephFSClass:                            true,
	"ocs-external-storagecluster-ceph-rbd": true,
	"ocs-external-storagecluster-cephfs":   true,
}

// BindsImmediately reports whether a class is known to bind claims at once.
// Unknown classes are assumed WaitForFirstConsumer: a claim of such a class
// is ordered with the registry that binds it, since in an earlier Argo CD
// sync wave it would never become healthy and hold the sync forever.
func BindsImmediately(class string) bool { return immediateClasses[class] }
