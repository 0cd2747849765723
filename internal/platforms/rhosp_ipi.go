package platforms

import (
	"regprofile.dev/regprofile/internal/operator"
)

// rhospIPI is Red Hat OpenStack Platform with installer-provisioned
// infrastructure: the operator created a Swift container at install time,
// or, where the cloud has no Swift, the ReadWriteOnce Cinder claim
// image-registry-storage with 1 replica and Recreate, and manages it. Which
// one the cluster has decides the replica count, so the profile sets it.
var rhospIPI = &installer{name: "rhosp-ipi", backend: operator.Swift,
	what: "a Swift container, or the Cinder claim image-registry-storage where the cloud has no Swift", byo: "rhosp-swift or rhosp-cinder",
	doc: "Red Hat OpenStack Platform, installer-provisioned: the Swift container (or, without Swift, the Cinder claim " + operator.ClaimName + ") the operator created at install time; the profile sets no storage and sets registry.replicas (docs/adopt.md)."}
