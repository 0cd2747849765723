package platforms

import (
	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/profile"
)

// installer is a platform with installer-provisioned infrastructure: at
// install time the operator created the registry's storage (a bucket,
// container or volume) and manages it, with credentials the Cloud
// Credential Operator minted. regprofile renders everything but storage:
// no storage stanza is sent, so server-side apply never touches the fields
// the operator wrote, and the replica count and rollout strategy the
// operator chose for that storage stay its own unless the profile sets
// them.
type installer struct {
	name string
	// backend is what the operator configured at install time; it decides
	// which credential keys an override needs.
	backend string
	// what describes that storage in findings.
	what string
	// byo is the platform to use to bring your own storage instead.
	byo string
}

func (p installer) Name() string                                  { return p.name }
func (installer) Backends() []string                              { return nil }
func (installer) Default(*profile.Resolved)                       {}
func (installer) Objects(*profile.Resolved) []*kobj.Object        { return nil }
func (p installer) InstallerStorage() (backend, what, byo string) { return p.backend, p.what, p.byo }

// InstallerProvisioned is implemented by platforms whose storage the
// installer provisioned: the backend the operator configured, a phrase
// describing it, and the platform to use to bring your own storage.
type InstallerProvisioned interface {
	InstallerStorage() (backend, what, byo string)
}
