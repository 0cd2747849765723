package platforms

import (
	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/profile"
)

// nutanix is Nutanix with the registry on a volume: Nutanix Volumes
// (ReadWriteOnce: one replica, Recreate) or Nutanix Files (ReadWriteMany:
// two replicas, RollingUpdate). The operator bootstraps it as Removed.
type nutanix struct{}

func (nutanix) Name() string       { return "nutanix" }
func (nutanix) Backends() []string { return []string{profile.PVC} }

func (nutanix) Default(r *profile.Resolved) {
	setManaged(r)
	defaultVolume(r, "nutanix-volume")
}

func (nutanix) Objects(r *profile.Resolved) []*kobj.Object { return volumeObjects(r) }
