package apiserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	servertesting "k8s.io/apiextensions-apiserver/pkg/cmd/server/testing"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"

	crdschema "regprofile.dev/regprofile/e2e/schema"
	"regprofile.dev/regprofile/internal/testkit"
)

var (
	repoRoot, binDir, kustomize string
	dyn                         dynamic.Interface
	// crds maps each served group and kind to its resource and scope.
	crds = map[schema.GroupKind]crdKind{}
)

type crdKind struct {
	gvr        schema.GroupVersionResource
	namespaced bool
}

func TestMain(m *testing.M) {
	os.Exit(testkit.Run(m, func(_, scratch string) error {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		repoRoot, binDir = filepath.Join(wd, "..", ".."), scratch
		if err := testkit.Build(repoRoot, binDir, map[string]string{"regprofile": "./fn/cmd/regprofile"}); err != nil {
			return err
		}
		// kustomize runs regprofile as an exec function, by its bare name.
		os.Setenv("PATH", binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
		if kustomize, err = testkit.Kustomize(repoRoot); err != nil {
			return err
		}
		return startServer(scratch)
	}))
}

// logger is the test server's logger outside a test.
type logger struct{}

func (logger) Errorf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
func (logger) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (logger) Logf(string, ...any)               {}

func freeURL() (url.URL, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return url.URL{}, err
	}
	defer l.Close()
	return url.URL{Scheme: "http", Host: l.Addr().String()}, nil
}

// startServer starts etcd and the apiextensions-apiserver and installs
// the CRDs. Both stop with the test process.
func startServer(scratch string) error {
	cfg := embed.NewConfig()
	cfg.Dir = filepath.Join(scratch, "etcd")
	cfg.LogLevel = "error"
	cfg.UnsafeNoFsync = true
	client, err := freeURL()
	if err != nil {
		return err
	}
	peer, err := freeURL()
	if err != nil {
		return err
	}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	etcd, err := embed.StartEtcd(cfg)
	if err != nil {
		return fmt.Errorf("starting etcd: %w", err)
	}
	select {
	case <-etcd.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		return errors.New("etcd did not start in 60s")
	}

	// A kubeconfig that is never used: delegated authentication and
	// authorization need one to start (as upstream's integration fixtures).
	kubeconfig := filepath.Join(scratch, "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "http://127.1.2.3:12345"}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
users: [{name: none, user: {username: none, password: none}}]
`), 0o600); err != nil {
		return err
	}
	server, err := servertesting.StartTestServer(logger{}, nil, []string{
		"--etcd-servers", client.String(),
		"--authentication-skip-lookup",
		"--authentication-kubeconfig", kubeconfig,
		"--authorization-kubeconfig", kubeconfig,
		"--kubeconfig", kubeconfig,
		"--enable-priority-and-fairness=false",
		"--disable-admission-plugins", "NamespaceLifecycle,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy",
	}, nil)
	if err != nil {
		return fmt.Errorf("starting the apiextensions-apiserver: %w", err)
	}
	if dyn, err = dynamic.NewForConfig(server.ClientConfig); err != nil {
		return err
	}
	ext, err := apiextensionsclient.NewForConfig(server.ClientConfig)
	if err != nil {
		return err
	}
	return installCRDs(ext)
}

// installCRDs creates every pinned CRD and waits until each is served.
func installCRDs(ext apiextensionsclient.Interface) error {
	files, err := crdschema.CRDFiles()
	if err != nil {
		return err
	}
	ctx := context.Background()
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for {
			doc, err := reader.Read()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			var crd apiextensionsv1.CustomResourceDefinition
			if err := yaml.Unmarshal(doc, &crd); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			if crd.Kind != "CustomResourceDefinition" {
				continue
			}
			if _, err := ext.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, &crd, metav1.CreateOptions{}); err != nil {
				return fmt.Errorf("installing %s: %w", crd.Name, err)
			}
			names = append(names, crd.Name)
			for _, v := range crd.Spec.Versions {
				if v.Storage {
					crds[schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}] = crdKind{
						gvr:        schema.GroupVersionResource{Group: crd.Spec.Group, Version: v.Name, Resource: crd.Spec.Names.Plural},
						namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
					}
				}
			}
		}
	}
	for _, name := range names {
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
			crd, err := ext.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			for _, c := range crd.Status.Conditions {
				if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("CRD %s not established: %w", name, err)
		}
	}
	return nil
}
