package platforms

import (
	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// DefaultCinderClass is the StorageClass rhosp-cinder creates by default.
const DefaultCinderClass = "image-registry-cinder"

// rhospCinder is Red Hat OpenStack Platform with the registry on a Cinder
// volume in a chosen availability zone (document 001 §3.5.1): a
// StorageClass for that zone and a ReadWriteOnce claim of our own name,
// since the operator already created (and owns) image-registry-storage at
// install time. Without a cinder section the volume uses the cluster's
// Cinder class (standard-csi, standard before the CSI driver).
var rhospCinder = &infra{
	name:        "rhosp-cinder",
	doc:         "Red Hat OpenStack Platform with Cinder: a volume on a StorageClass for one availability zone (`cinder`), or on the cluster's Cinder class (standard-csi, " + insteadBefore("class.standard-csi") + "); or an existing claim.",
	sections:    []string{"001 §3.5.1"},
	volumeClass: "standard-csi",
	storages:    []*Storage{VolumeStorage, ClaimStorage},
	prepare: func(r *profile.Resolved) {
		if r.PVC == nil {
			return
		}
		if r.Cinder == nil && r.PVC.StorageClassName == "" && !UsesDefaultClass(r.PVC) {
			r.Cinder = &v1alpha1.CinderClass{}
		}
		if r.Cinder != nil {
			fill(r, &r.Cinder.StorageClassName, "cinder.storageClassName")
			setString(r, &r.PVC.StorageClassName, "pvc.storageClassName", r.Cinder.StorageClassName, &r.Defaulted.PVCStorageClassName)
		}
	},
	objects: func(r *profile.Resolved) []*manifest.Object {
		if r.Cinder == nil {
			return nil
		}
		provisioner := "cinder.csi.openstack.org"
		if f := operator.Facts["provisioner."+provisioner]; !r.Version.Accepts("provisioner." + provisioner) {
			provisioner = f.Instead
		}
		return []*manifest.Object{manifest.New("storage.k8s.io/v1", "StorageClass", "", r.Cinder.StorageClassName, map[string]any{
			"provisioner": provisioner,
			// The volume must be created where the pod lands, or a zonal
			// volume can strand the registry on the wrong side.
			"volumeBindingMode":    "WaitForFirstConsumer",
			"allowVolumeExpansion": true,
			"parameters":           map[string]string{"availability": r.Cinder.AvailabilityZone},
		})}
	},
}
