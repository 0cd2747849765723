package platforms_test

import (
	"fmt"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/testkit"
)

// docs/storage.md is generated from the platforms and storage declared in
// this package and the release facts, so it cannot drift from the code.
// UPDATE_GOLDEN=1 rewrites it.
func TestStorageTableIsCurrent(t *testing.T) {
	testkit.Golden(t, "../../docs/storage.md", storageDoc())
}

func storageDoc() string {
	var b strings.Builder
	b.WriteString(`# Storage by platform

<!-- Generated from internal/platforms and internal/operator by TestStorageTableIsCurrent; do not edit. -->

Each platform is an infrastructure and the storage the registry documents allow on it. A storage
is implemented once (internal/platforms/storage_*.go) with the same defaults and rules on every platform
that accepts it; a platform only adds its own defaults (a volume's class, Azure's cloud). When a
profile chooses no storage, the platform's default (marked **default**) is used where one can be
made up; object storage always needs its bucket or container named. Sections are the documents'
in ` + "`shared/seeds`" + `: 000 is OpenShift 4.2, 001 is 4.14, 002 is 4.4.

## Infrastructure × storage

`)
	ss := platforms.Storages()
	b.WriteString("| platform |")
	for _, s := range ss {
		fmt.Fprintf(&b, " %s |", s.Name)
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(ss)) + "\n")
	for _, p := range platforms.All() {
		fmt.Fprintf(&b, "| `%s` |", p.Name())
		for _, s := range ss {
			switch {
			case p.DefaultStorage() == s:
				b.WriteString(" **default** |")
			case platforms.Accepts(p, s):
				b.WriteString(" yes |")
			default:
				b.WriteString(" — |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString(`
## Platforms

| platform | what it is | volume class (newest release; older releases) | from release | documents |
|---|---|---|---|---|
`)
	for _, p := range platforms.All() {
		class := "—"
		if c := p.VolumeClass(operator.Newest); c != "" {
			class = "`" + c + "`"
			if old := p.VolumeClass(operator.Oldest); old != c {
				class += fmt.Sprintf("; `%s` before %s", old, operator.Facts["class."+c].Since)
			}
		}
		since := operator.Oldest.String()
		if f, ok := operator.Facts["platform."+p.Name()]; ok {
			since = f.Since.String()
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", p.Name(), p.Doc(), class, since, strings.Join(p.Sections(), ", "))
	}
	b.WriteString(`
## Installer-provisioned platforms

On these platforms the operator created the registry's storage at install time, with credentials the
Cloud Credential Operator minted, and manages it. A profile for them sets no storage: no storage
stanza is rendered, so server-side apply never touches the fields the operator wrote, and a storage
section, volume or bucket helper in the profile is an error (rule ` + "`installer-storage`" + `) naming the
platform to use for storage of your own. Everything else renders as on any platform. The credentials
can still be overridden: ` + "`spec.credentials`" + ` (or ` + "`spec.platforms.<platform>.credentials`" + `) writes
` + "`image-registry-private-configuration-user`" + `, whose keys override the minted credentials, with
the keys below.

| platform | what the installer provisioned | replicas | credential override keys | your own storage instead |
|---|---|---|---|---|
`)
	for _, p := range platforms.All() {
		ip, ok := p.(platforms.InstallerProvisioned)
		if !ok {
			continue
		}
		backend, what, byo := ip.InstallerStorage()
		replicas := fmt.Sprintf("%d (the operator's bootstrap count) unless the profile sets them", ip.BootstrapReplicas())
		if ip.BootstrapReplicas() == 0 {
			replicas = "set by the profile: it depends on the storage the cluster has"
		}
		fmt.Fprintf(&b, "| `%s` | %s (%s) | %s | %s | %s |\n", p.Name(), what, backend, replicas, credentialKeys(backend), byo)
	}
	b.WriteString(`
## Storage

| storage | chosen by | becomes | defaults, rules and documents |
|---|---|---|---|
`)
	for _, s := range ss {
		fmt.Fprintf(&b, "| %s | `%s` | `registry.storage.%s` | %s |\n", s.Name, s.Section, s.Backend, s.Doc)
	}
	b.WriteString(`
Known storage classes, on any platform: the access mode a volume of the class defaults to, and
whether the class binds a claim at once (a claim that waits for its pod is synced with the Config).

| class | access mode | binds |
|---|---|---|
`)
	for _, name := range platforms.ClassNames() {
		c, _ := platforms.LookupClass(name)
		binds := "when the registry's pod starts"
		if c.Immediate {
			binds = "at once"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, c.AccessMode, binds)
	}
	b.WriteString("\n`lvms-<device class>`: ReadWriteOnce, when the registry's pod starts.\n")
	b.WriteString(`
## Release facts

What a release's operator and platform accept beyond its API fields (the fields are in
[reference.md](reference.md)). The rule ` + "`release-storage`" + ` checks each one.

| fact | from | before that | source |
|---|---|---|---|
`)
	for _, k := range operator.FactKeys() {
		f := operator.Facts[k]
		before := "refused"
		if f.Instead != "" {
			before = "`" + f.Instead + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", k, f.Since, before, f.Source)
	}
	return b.String()
}

// credentialKeys says which keys a credentials override for a backend
// needs: every required key, or one complete set.
func credentialKeys(backend string) string {
	keys, ok := operator.CredentialKeys[backend]
	if !ok {
		return "none: " + backend + " takes no credentials"
	}
	code := func(list []string) string {
		out := make([]string, len(list))
		for i, k := range list {
			out[i] = "`" + k + "`"
		}
		if len(out) < 2 {
			return strings.Join(out, "")
		}
		return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
	}
	if len(keys.Sets) == 0 {
		return code(keys.Required)
	}
	var sets []string
	for _, set := range keys.Sets {
		sets = append(sets, code(set))
	}
	return "one complete set: " + strings.Join(sets, "; or ")
}
