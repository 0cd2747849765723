package platforms

import (
	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// Names of statically provisioned volumes.
const (
	DefaultPVName = "image-registry-pv" // document 000 §3.4.1's name
	// LocalClass is the no-provisioner class of a local volume.
	LocalClass = "image-registry-local"
)

// PersistentVolumeStorage is a volume the profile provisions statically: an
// NFS export (document 000 §3.4.1, vSphere before ReadWriteOnce was allowed)
// or a local disk (single-node clusters). The PersistentVolume keeps its
// data when released (Retain) and is bound to the registry's claim both
// ways: its claimRef names the claim and the claim's volumeName names it,
// so no other claim can take it and the claim never provisions another.
var PersistentVolumeStorage = &Storage{
	Name: "persistentVolume", Backend: operator.PVC, Section: "persistentVolume",
	Doc:    "A PersistentVolume the profile provisions (`persistentVolume.nfs` or `.local`) and the claim bound to it (`pvc`): reclaim policy Retain, capacity `pvc.size`, pre-bound both ways. NFS: " + operator.ReadWriteMany + ", no class; 2 or more replicas warn that the export needs `no_wdelay`. Local: " + operator.ReadWriteOnce + " on one node, with a no-provisioner StorageClass `" + LocalClass + "` (WaitForFirstConsumer). Documents: 000 §3.3.1, §3.4.1.",
	chosen: func(r *profile.Resolved) bool { return r.PV != nil },
	defaults: func(r *profile.Resolved, _ *infra) {
		if r.PVC == nil {
			r.PVC = &v1alpha1.PVCVolume{}
		}
		fill(r, &r.PV.Name, "persistentVolume.name")
		switch {
		case r.PV.Local != nil:
			setString(r, &r.PVC.StorageClassName, "pvc.storageClassName", LocalClass, &r.Defaulted.PVCStorageClassName)
			setString(r, &r.PVC.AccessMode, "pvc.accessMode", operator.ReadWriteOnce)
		case r.PV.NFS != nil:
			// No class: an empty storageClassName keeps the cluster's
			// default class from being assigned to the claim.
			setString(r, &r.PVC.AccessMode, "pvc.accessMode", operator.ReadWriteMany)
		}
	},
	objects: func(r *profile.Resolved, _ *infra) []*manifest.Object {
		spec := map[string]any{
			"accessModes":                   []string{r.PVC.AccessMode},
			"capacity":                      map[string]any{"storage": r.PVC.Size},
			"persistentVolumeReclaimPolicy": "Retain",
			"storageClassName":              r.PVC.StorageClassName,
			"volumeMode":                    r.PVC.VolumeMode,
			"claimRef":                      map[string]any{"namespace": manifest.RegistryNamespace, "name": r.PVC.Name},
		}
		var objs []*manifest.Object
		switch {
		case r.PV.NFS != nil:
			spec["nfs"] = map[string]any{"server": r.PV.NFS.Server, "path": r.PV.NFS.Path}
		case r.PV.Local != nil:
			spec["local"] = map[string]any{"path": r.PV.Local.Path}
			spec["nodeAffinity"] = map[string]any{"required": map[string]any{"nodeSelectorTerms": []map[string]any{{
				"matchExpressions": []map[string]any{{"key": "kubernetes.io/hostname", "operator": "In", "values": []string{r.PV.Local.NodeName}}},
			}}}}
			if r.PVC.StorageClassName == LocalClass {
				objs = append(objs, manifest.New("storage.k8s.io/v1", "StorageClass", "", LocalClass, map[string]any{
					"provisioner":       "kubernetes.io/no-provisioner",
					"volumeBindingMode": "WaitForFirstConsumer",
					"reclaimPolicy":     "Retain",
				}))
			}
		}
		return append(objs, manifest.New("v1", "PersistentVolume", "", r.PV.Name, map[string]any{"spec": spec}))
	},
}
