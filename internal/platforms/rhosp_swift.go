package platforms

// rhospSwift is Red Hat OpenStack Platform with the registry in a Swift
// container (document 001 §3.3): the container the user created, the
// Keystone parameters the cluster's own clouds.yaml does not already give,
// and, as §3.3.1 says, disableRedirect so that clients never need to reach
// Swift themselves.
var rhospSwift = &infra{
	name:     "rhosp-swift",
	doc:      "Red Hat OpenStack Platform with Swift: a container you created; `disableRedirect: true` (001 §3.3.1); credentials REGISTRY_STORAGE_SWIFT_USERNAME and _PASSWORD (001 §3.3.2).",
	sections: []string{"001 §3.3"},
	storages: []*Storage{SwiftStorage},
}
