package platforms

// vsphereBlock is vSphere with the registry on a block volume (thin-csi,
// or thin before the CSI driver shipped) by default; or a ReadWriteMany
// volume (CephFS, NFS), a statically provisioned NFS volume (document 000
// §3.4.1), ODF object storage, or an existing claim. The operator
// bootstraps vSphere registries as Removed, and a ReadWriteOnce volume
// allows one replica and the Recreate strategy only.
var vsphereBlock = &infra{
	name:             "vsphere-block",
	doc:              "VMware vSphere: a thin-csi block volume by default (" + insteadBefore("class.thin-csi") + "); any other class, a static NFS or local volume, ODF object storage, or an existing claim.",
	sections:         []string{"001 §3.7", "002 §3.5", "000 §3.4"},
	removedAtInstall: true,
	volumeClass:      "thin-csi",
	storages:         []*Storage{VolumeStorage, PersistentVolumeStorage, ClaimStorage, ObjectBucketStorage},
}
