package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"regprofile.dev/regprofile/internal/adopt"
	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/profile"
)

const importUsage = `Usage: regprofile import [--platform P] [--out FILE] FILE...
       regprofile import --cluster P=FILE[,FILE...] [--cluster ...] [--out FILE]

Reads what "oc get -o yaml" prints for a running registry's objects (the
Config, ImagePruner, image.config.openshift.io/cluster, claims, bucket claims,
the CA ConfigMap, bindings to the registry's roles, the credentials
ExternalSecret or Secret, what writes route certificates (ExternalSecret or
cert-manager Certificate); several documents or a List; "-" reads stdin) and
prints a RegistryProfile that renders the same spec fields. Positional FILEs
are one cluster; each --cluster is one more, on its platform. What every
cluster shares goes to spec.registry, the rest to spec.platforms.
`

type clusterFlags []string

func (c *clusterFlags) String() string     { return strings.Join(*c, " ") }
func (c *clusterFlags) Set(v string) error { *c = append(*c, v); return nil }
func (c *clusterFlags) Type() string       { return "P=FILE[,FILE...]" }

// importOptions are import's flags.
type importOptions struct {
	platform, out, name, version, creds *string
	clusters                            clusterFlags
}

func importFlags() (*pflag.FlagSet, *importOptions) {
	flags := newFlags("import")
	o := &importOptions{}
	o.platform = flags.String("platform", "", "the cluster's platform; default: told from its storage ("+strings.Join(platforms.Names(), ", ")+")")
	flags.Var(&o.clusters, "cluster", "one more cluster: its platform and files")
	o.out = flags.String("out", "", "write the profile to FILE instead of stdout")
	o.name = flags.String("name", "", "the profile's metadata.name (default: the name an earlier render recorded, else registry)")
	o.version = flags.String("openshift-version", "", "the clusters' release, written to spec.openshiftVersion (\"4.N\")")
	o.creds = flags.String("credentials", string(adopt.CredentialsExisting), "what a credentials Secret becomes: existing (existingSecret: true) or externalsecret (an ExternalSecret skeleton)")
	return flags, o
}

func importCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags, o := importFlags()
	platform, out, name, version, creds, clusters := o.platform, o.out, o.name, o.version, o.creds, o.clusters
	usage := func(err error) int {
		fmt.Fprintf(stderr, "regprofile import: %v\n\n%s%s", err, importUsage, flags.FlagUsages())
		return 2
	}
	err := flags.Parse(args)
	if help, _ := flags.GetBool("help"); help && err == nil {
		fmt.Fprint(stdout, importUsage+"\nFlags:\n"+flags.FlagUsages())
		return 0
	}
	if err != nil {
		return usage(err)
	}
	clusters = o.clusters
	if *creds != string(adopt.CredentialsExisting) && *creds != string(adopt.CredentialsExternalSecret) {
		return usage(fmt.Errorf("--credentials is existing or externalsecret, got %q", *creds))
	}
	var cs []adopt.Cluster
	stdinUsed := false
	read := func(files []string) ([]adopt.Input, error) {
		var ins []adopt.Input
		for _, f := range files {
			in, err := readInput(f, stdin, &stdinUsed)
			if err != nil {
				return nil, err
			}
			ins = append(ins, in)
		}
		return ins, nil
	}
	if flags.NArg() > 0 {
		ins, err := read(flags.Args())
		if err != nil {
			fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
			return 1
		}
		cs = append(cs, adopt.Cluster{Platform: *platform, Inputs: ins})
	} else if *platform != "" {
		return usage(errors.New("--platform applies to the positional FILEs; with --cluster, write P=FILE"))
	}
	for _, c := range clusters {
		p, list, ok := strings.Cut(c, "=")
		if !ok || p == "" || list == "" {
			return usage(fmt.Errorf("--cluster %q: write PLATFORM=FILE[,FILE...]", c))
		}
		ins, err := read(strings.Split(list, ","))
		if err != nil {
			fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
			return 1
		}
		cs = append(cs, adopt.Cluster{Platform: p, Inputs: ins})
	}
	if len(cs) == 0 {
		return usage(errors.New("no input: give the objects' files, or - for stdin"))
	}
	prof, fs := adopt.Import(cs, adopt.Options{Name: *name, OpenShiftVersion: *version, Credentials: adopt.Credentials(*creds)})
	for _, f := range fs.Sorted() {
		fmt.Fprintln(stderr, f.Report(f.File))
	}
	if fs.HasErrors() {
		return 1
	}
	if *out == "" {
		if _, err := stdout.Write(prof); err != nil {
			fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
			return 1
		}
		return 0
	}
	if err := writeAtomic(*out, prof); err != nil {
		fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
		return 1
	}
	return 0
}

// readInput reads one input file, or stdin for "-" (once), within the
// decoder's size bound.
func readInput(name string, stdin io.Reader, stdinUsed *bool) (adopt.Input, error) {
	var r io.Reader
	display := name
	if name == "-" {
		if *stdinUsed {
			return adopt.Input{}, errors.New("- (stdin) is given twice")
		}
		*stdinUsed = true
		r, display = stdin, "<stdin>"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return adopt.Input{}, err
		}
		defer f.Close()
		r = f
	}
	// One byte over the bound is enough to report the file as too large.
	data, err := io.ReadAll(io.LimitReader(r, profile.MaxProfileBytes+1))
	if err != nil {
		return adopt.Input{}, fmt.Errorf("%s: %v", display, err)
	}
	return adopt.Input{Name: display, Data: data}, nil
}

// writeAtomic writes a file whole or not at all.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

const leftoversUsage = `Usage: regprofile leftovers [--platform P] PROFILE LIVE...

Compares the live Config, ImagePruner and image.config.openshift.io/cluster
(oc get --show-managed-fields -o yaml) with what PROFILE renders, and lists
the fields the profile does not set, which server-side apply leaves as they
are, with their owners. A second storage backend, which the operator rejects,
is an error with the command that removes it. Exit status 1 when there is one.
`

func leftoversFlags() (*pflag.FlagSet, *string) {
	flags := newFlags("leftovers")
	platform := flags.String("platform", "", "platform to render; overrides spec.platform")
	return flags, platform
}

func leftoversCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags, platform := leftoversFlags()
	err := flags.Parse(args)
	if help, _ := flags.GetBool("help"); help && err == nil {
		fmt.Fprint(stdout, leftoversUsage+"\nFlags:\n"+flags.FlagUsages())
		return 0
	}
	if err != nil || flags.NArg() < 2 {
		if err == nil {
			err = errors.New("give the profile and at least one file of live objects")
		}
		fmt.Fprintf(stderr, "regprofile leftovers: %v\n\n%s%s", err, leftoversUsage, flags.FlagUsages())
		return 2
	}
	stdinUsed := false
	var ins []adopt.Input
	for _, f := range flags.Args() {
		in, err := readInput(f, stdin, &stdinUsed)
		if err != nil {
			fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
			return 1
		}
		ins = append(ins, in)
	}
	fs := adopt.Leftovers(ins[0], *platform, ins[1:])
	for _, f := range fs.Sorted() {
		fmt.Fprintln(stdout, f.Report(f.File))
	}
	if fs.HasErrors() {
		return 1
	}
	return 0
}
