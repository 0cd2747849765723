// Package apiserver is the API server oracle for regprofile diff's risk
// flags: a real apiextensions-apiserver over an embedded etcd serves the
// CRDs regprofile renders objects of, and the upstream validation code of
// k8s.io/kubernetes (with the PersistentVolumeClaimResize admission
// plugin) judges the built-in kinds. Its tests check that the "refused"
// flags are exactly the updates the API server refuses, on every
// scripted change of e2e/diffcases, and that every golden render passes a
// server-side dry run.
//
// It is a module of its own so that k8s.io/kubernetes and etcd stay out
// of regprofile's module graph; make e2e-apiserver runs it.
package apiserver
