package platforms

import (
	"regprofile.dev/regprofile/internal/operator"
)

// nutanix is Nutanix with the registry on a volume: Nutanix Volumes
// (ReadWriteOnce: one replica, Recreate) by default, or Nutanix Files or
// CephFS (ReadWriteMany: two replicas, RollingUpdate), a static volume, ODF
// object storage, or an existing claim. The operator bootstraps it as
// Removed.
var nutanix = &infra{
	name:             "nutanix",
	doc:              "Nutanix (OpenShift " + operator.Facts["platform.nutanix"].Since.String() + " and later): a nutanix-volume block volume by default; Nutanix Files or any other class, a static volume, ODF object storage, or an existing claim.",
	sections:         []string{"001 §3.9"},
	removedAtInstall: true,
	volumeClass:      "nutanix-volume",
	storages:         []*Storage{VolumeStorage, PersistentVolumeStorage, ClaimStorage, ObjectBucketStorage},
}
