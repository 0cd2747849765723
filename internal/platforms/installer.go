package platforms

import (
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// installer is a platform with installer-provisioned infrastructure: at
// install time the operator created the registry's storage (a bucket,
// container or volume) and manages it, with credentials the Cloud
// Credential Operator minted. regprofile renders everything but storage:
// no storage stanza is sent, so server-side apply never touches the fields
// the operator wrote, and the replica count and rollout strategy the
// operator chose for that storage stay its own unless the profile sets
// them (replicas, which the CRD requires, is written: the operator's
// bootstrap count).
type installer struct {
	name, doc string
	sections  []string
	// backend is what the operator configured at install time; it decides
	// which credential keys an override needs.
	backend string
	// what describes that storage in findings.
	what string
	// byo is the platform to use to bring your own storage instead.
	byo string
	// replicas is the operator's bootstrap replica count for that storage,
	// rendered unless the profile sets its own (the CRD requires the
	// field); 0 when it depends on the cluster and the profile must say.
	replicas int32
}

func (p *installer) Name() string       { return p.name }
func (p *installer) Doc() string        { return p.doc }
func (p *installer) Sections() []string { return p.sections }

// Storages is empty: the profile sets no storage, not even emptyDir (the
// installer-storage rule refuses any).
func (*installer) Storages() []*Storage                         { return nil }
func (*installer) DefaultStorage() *Storage                     { return nil }
func (*installer) VolumeClass(operator.Version) string          { return "" }
func (*installer) Objects(*profile.Resolved) []*manifest.Object { return nil }

func (p *installer) Default(r *profile.Resolved) {
	n := p.replicas
	if r.Topology == operator.SingleReplica {
		// The operator bootstraps single-node clusters with one replica on
		// every storage.
		n = 1
	}
	if r.Registry.Replicas == nil && n > 0 {
		r.Registry.Replicas = &n
		r.Defaulted.Replicas = true
	}
}

func (p *installer) InstallerStorage() (backend, what, byo string) { return p.backend, p.what, p.byo }

// BootstrapReplicas is the replica count the operator bootstrapped, which
// the profile renders unless it sets its own; 0 when it depends on the
// cluster and the profile must set it.
func (p *installer) BootstrapReplicas() int32 { return p.replicas }

// InstallerProvisioned is implemented by platforms whose storage the
// installer provisioned: the backend the operator configured, a phrase
// describing it, and the platform to use to bring your own storage.
type InstallerProvisioned interface {
	InstallerStorage() (backend, what, byo string)
	BootstrapReplicas() int32
}
