package platforms

import (
	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/profile"
)

// vsphereBlock is vSphere with the registry on a block volume (thin-csi by
// default). The operator bootstraps vSphere registries as Removed, and a
// ReadWriteOnce volume allows one replica and the Recreate strategy only.
type vsphereBlock struct{}

func (vsphereBlock) Name() string       { return "vsphere-block" }
func (vsphereBlock) Backends() []string { return []string{profile.PVC} }

func (vsphereBlock) Default(r *profile.Resolved) {
	setManaged(r)
	defaultVolume(r, "thin-csi")
}

func (vsphereBlock) Objects(r *profile.Resolved) []*kobj.Object { return volumeObjects(r) }
