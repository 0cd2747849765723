package platforms

// baremetalODF is bare metal with OpenShift Data Foundation: by default an
// ObjectBucketClaim on Ceph RGW (or NooBaa, or external-mode RGW) with the
// registry's S3 storage pointed at it; or a volume of any class (CephFS by
// default, RBD, LVMS, local), a static volume, an existing claim, or an S3
// store of the user's own. The operator bootstraps bare metal registries
// as Removed.
var baremetalODF = &infra{
	name:             "baremetal-odf-rgw",
	doc:              "Bare metal with ODF: a Ceph RGW bucket claim by default (NooBaa and external mode too); or a volume of any class (CephFS by default, RBD, LVMS, local), a static NFS or local volume, an existing claim, or an S3 store of your own.",
	sections:         []string{"001 §3.6", "001 §3.8", "002 §3.4", "000 §3.3"},
	removedAtInstall: true,
	volumeClass:      CephFSClass,
	storages:         []*Storage{ObjectBucketStorage, VolumeStorage, PersistentVolumeStorage, ClaimStorage, S3Storage},
}
