// Package operator holds what the OpenShift image registry operator accepts
// and applies: the release each field appeared in, the values its enums
// take, the credential keys it reads, the names and defaults it uses. Each
// table says where its fact comes from. The rules, the defaults, the
// reference (docs/reference.md) and the storage tables (docs/storage.md)
// read these tables; none restates them.
//
// The package imports only the standard library, so that every other
// package, the tests under e2e included, can depend on it.
package operator
