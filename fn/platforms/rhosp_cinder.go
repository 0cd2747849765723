package platforms

import (
	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/profile"
)

// DefaultCinderClass is the StorageClass rhosp-cinder creates by default.
const DefaultCinderClass = "image-registry-cinder"

// rhospCinder is Red Hat OpenStack Platform with the registry on a Cinder
// volume in a chosen availability zone: a StorageClass for that zone and a
// ReadWriteOnce claim of our own name, since the operator already created
// (and owns) image-registry-storage at install time.
type rhospCinder struct{}

func (rhospCinder) Name() string       { return "rhosp-cinder" }
func (rhospCinder) Backends() []string { return []string{profile.PVC} }

func (rhospCinder) Default(r *profile.Resolved) {
	if r.PVC == nil && len(profile.Backends(r.Registry.Storage)) == 0 {
		r.PVC = &v1alpha1.PVCVolume{}
		r.SetDefault("pvc")
	}
	if r.PVC == nil {
		return
	}
	if r.Cinder == nil && r.PVC.StorageClassName == "" && !UsesDefaultClass(r.PVC) {
		r.Cinder = &v1alpha1.CinderClass{}
		r.SetDefault("cinder")
	}
	if r.Cinder != nil {
		setString(r, &r.Cinder.StorageClassName, "cinder.storageClassName", DefaultCinderClass)
		setString(r, &r.PVC.StorageClassName, "pvc.storageClassName", r.Cinder.StorageClassName)
	}
}

func (rhospCinder) Objects(r *profile.Resolved) []*kobj.Object {
	objs := volumeObjects(r)
	if r.Cinder != nil {
		objs = append(objs, kobj.New("storage.k8s.io/v1", "StorageClass", "", r.Cinder.StorageClassName, map[string]any{
			"provisioner": "cinder.csi.openstack.org",
			// The volume must be created where the pod lands, or a zonal
			// volume can strand the registry on the wrong side.
			"volumeBindingMode":    "WaitForFirstConsumer",
			"allowVolumeExpansion": true,
			"parameters":           map[string]string{"availability": r.Cinder.AvailabilityZone},
		}))
	}
	return objs
}
