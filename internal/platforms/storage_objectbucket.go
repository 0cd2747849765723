package platforms

import (
	"net/url"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// OpenShift Data Foundation names.
const (
	CephRGWClass = "ocs-storagecluster-ceph-rgw"
	NooBaaClass  = "openshift-storage.noobaa.io"
	CephFSClass  = "ocs-storagecluster-cephfs"
	// ExternalRGWClass is Ceph RGW with ODF in external mode: the object
	// store runs outside the cluster, so there is no in-cluster endpoint.
	ExternalRGWClass = "ocs-external-storagecluster-ceph-rgw"
	DefaultBucket    = "image-registry-bucket"
	BucketClaimName  = "image-registry-bucket" // the claim's secret has the same name
	BucketStoreName  = "image-registry-bucket" // SecretStore, ServiceAccount and Role reading it
	S3BundleName     = "image-registry-s3-bundle"
	odfRegion        = "us-east-1" // RGW and NooBaa ignore it, the S3 driver requires one
)

// odfEndpoints are the in-cluster S3 services of each bucket class. Plain
// http inside the cluster needs no CA; a route endpoint (https) does.
var odfEndpoints = map[string]string{
	CephRGWClass: "http://rook-ceph-rgw-ocs-storagecluster-cephobjectstore.openshift-storage.svc",
	NooBaaClass:  "http://s3.openshift-storage.svc",
}

// BucketClasses are the ObjectBucketClaim classes the registry can use.
var BucketClasses = []string{CephRGWClass, NooBaaClass, ExternalRGWClass}

// ObjectBucketStorage is OpenShift Data Foundation object storage on any
// infrastructure: an ObjectBucketClaim on Ceph RGW or NooBaa (internal or
// external mode), the registry's S3 storage pointed at it, and the claim's
// keys copied by an ExternalSecret through a SecretStore that can read that
// one secret.
var ObjectBucketStorage = &Storage{
	Name: "objectBucket", Backend: operator.S3, Section: "objectBucket",
	Doc:    "An ODF bucket claim (`objectBucket`) on " + CephRGWClass + " (default), " + NooBaaClass + " or, in external mode, " + ExternalRGWClass + " (which needs `endpoint`); the S3 storage, its region, endpoint and credentials follow from it. Documents: 001 §3.6.3.4, §3.6.3.5, §3.7.3.4, §3.7.3.5, §3.8.1, §3.8.2, §3.9.3.4, §3.9.3.5.",
	chosen: func(r *profile.Resolved) bool { return r.ObjectBucket != nil },
	choose: func(r *profile.Resolved) { r.ObjectBucket = &v1alpha1.ObjectBucket{} },
	defaults: func(r *profile.Resolved, _ *infra) {
		ob := r.ObjectBucket
		fill(r, &ob.StorageClassName, "objectBucket.storageClassName")
		fill(r, &ob.BucketName, "objectBucket.bucketName")
		setString(r, &ob.Endpoint, "objectBucket.endpoint", odfEndpoints[ob.StorageClassName], &r.Defaulted.ObjectBucketEndpoint)

		storage := r.Storage()
		if storage.S3 == nil && len(profile.Backends(storage)) == 0 {
			storage.S3 = &v1alpha1.S3{}
		}
		s3 := storage.S3
		if s3 == nil {
			return // another backend: a rule reports the conflict
		}
		setString(r, &s3.Bucket, "registry.storage.s3.bucket", ob.BucketName, &r.Defaulted.S3Bucket)
		setString(r, &s3.Region, "registry.storage.s3.region", odfRegion)
		setString(r, &s3.RegionEndpoint, "registry.storage.s3.regionEndpoint", ob.Endpoint, &r.Defaulted.S3RegionEndpoint)
		setBool(r, &s3.VirtualHostedStyle, "registry.storage.s3.virtualHostedStyle", false)
		setBool(r, &s3.Encrypt, "registry.storage.s3.encrypt", false)

		if u, err := url.Parse(ob.Endpoint); err == nil && u.Scheme == "https" && s3.TrustedCA == nil && r.StorageCA == nil {
			s3.TrustedCA = &v1alpha1.ConfigMapRef{Name: S3BundleName}
			r.Defaulted.S3TrustedCA = true
		}
		if r.Credentials == nil {
			r.Credentials = &v1alpha1.Credentials{ExternalSecret: &v1alpha1.ExternalSecretSource{
				StoreRef: v1alpha1.StoreRef{Name: BucketStoreName},
				Data: map[string]v1alpha1.RemoteRef{
					operator.S3AccessKey: {Key: BucketClaimName, Property: "AWS_ACCESS_KEY_ID"},
					operator.S3SecretKey: {Key: BucketClaimName, Property: "AWS_SECRET_ACCESS_KEY"},
				},
			}}
			r.Defaulted.Credentials = true
		}
	},
	objects: func(r *profile.Resolved, _ *infra) []*manifest.Object {
		ob := r.ObjectBucket
		objs := []*manifest.Object{manifest.New("objectbucket.io/v1alpha1", "ObjectBucketClaim", manifest.RegistryNamespace, BucketClaimName, map[string]any{
			// A fixed bucket name (not generateBucketName) lets the Config
			// name the bucket before the claim is bound.
			"spec": map[string]any{"bucketName": ob.BucketName, "storageClassName": ob.StorageClassName},
		})}
		if r.Defaulted.Credentials {
			objs = append(objs, bucketSecretStore()...)
		}
		if r.Defaulted.S3TrustedCA && r.StorageCA == nil {
			// The Cluster Network Operator fills ca-bundle.crt with the
			// cluster's trusted CAs, the key the registry reads.
			cm := manifest.New("v1", "ConfigMap", manifest.ConfigNamespace, S3BundleName, nil)
			cm.Label("config.openshift.io/inject-trusted-cabundle", "true")
			cm.NamedBySingleton = true
			objs = append(objs, cm)
		}
		return objs
	},
}

// bucketSecretStore renders a Kubernetes-provider SecretStore that reads the
// bucket claim's secret, with a service account allowed to get that one
// secret and nothing else.
func bucketSecretStore() []*manifest.Object {
	ns := manifest.RegistryNamespace
	return []*manifest.Object{
		manifest.New("v1", "ServiceAccount", ns, BucketStoreName, nil),
		manifest.New("rbac.authorization.k8s.io/v1", "Role", ns, BucketStoreName, map[string]any{
			"rules": []map[string]any{
				{"apiGroups": []string{""}, "resources": []string{"secrets"}, "resourceNames": []string{BucketClaimName}, "verbs": []string{"get"}},
				// The provider checks its own permissions before reading.
				{"apiGroups": []string{"authorization.k8s.io"}, "resources": []string{"selfsubjectrulesreviews"}, "verbs": []string{"create"}},
			},
		}),
		manifest.New("rbac.authorization.k8s.io/v1", "RoleBinding", ns, BucketStoreName, map[string]any{
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": BucketStoreName},
			"subjects": []map[string]any{{"kind": "ServiceAccount", "name": BucketStoreName, "namespace": ns}},
		}),
		manifest.New("external-secrets.io/v1", "SecretStore", ns, BucketStoreName, map[string]any{
			"spec": map[string]any{"provider": map[string]any{"kubernetes": map[string]any{
				"remoteNamespace": ns,
				"server":          map[string]any{"caProvider": map[string]any{"type": "ConfigMap", "name": "kube-root-ca.crt", "key": "ca.crt"}},
				"auth":            map[string]any{"serviceAccount": map[string]any{"name": BucketStoreName}},
			}}},
		}),
	}
}
