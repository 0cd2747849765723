package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
)

// The checks in this file refuse what the API server or the operator
// would refuse later, at apply time or in the operator's status, with the
// profile's field path instead. The names they check follow the rules in
// limits.go, which use apimachinery's own validation.

// names checks every name that becomes a Kubernetes object's name or
// namespace: the profile's own (it names what it renders), routes and
// their secrets, storage classes, claims, secret and ConfigMap
// references, and service-account subjects.
func names(c *Context) []diag.Finding {
	var fs []diag.Finding
	sub := func(field, part, path, value string) {
		if value != "" {
			fs = append(fs, checkName(field, part, path, value)...)
		}
	}
	sub("RegistryProfile.Metadata", "name", "metadata.name", c.R.Name)
	for i, rt := range c.R.Registry.Routes {
		sub("Route.Name", "", c.path(fmt.Sprintf("registry.routes[%d].name", i)), rt.Name)
		sub("Route.SecretName", "", c.path(fmt.Sprintf("registry.routes[%d].secretName", i)), rt.SecretName)
		if src := rt.SecretSource; src != nil && src.ExternalSecret != nil {
			sub("StoreRef.Name", "", c.path(fmt.Sprintf("registry.routes[%d].secretSource.externalSecret.storeRef.name", i)), src.ExternalSecret.StoreRef.Name)
		}
	}
	if s := c.R.Registry.Storage; s != nil {
		if s.PVC != nil {
			sub("PVCStorage.Claim", "", c.path("registry.storage.pvc.claim"), s.PVC.Claim)
		}
		if s.S3 != nil && s.S3.CloudFront != nil {
			sub("CloudFront.PrivateKey", "name", c.path("registry.storage.s3.cloudFront.privateKey.name"), s.S3.CloudFront.PrivateKey.Name)
		}
	}
	if v := c.R.PVC; v != nil && !c.R.Defaulted.PVCStorageClassName {
		sub("PVCVolume.StorageClassName", "", c.path("pvc.storageClassName"), v.StorageClassName)
	}
	if cr := c.R.Credentials; cr != nil && cr.ExternalSecret != nil {
		sub("StoreRef.Name", "", c.path("credentials.externalSecret.storeRef.name"), cr.ExternalSecret.StoreRef.Name)
	}
	if a := c.R.Access; a != nil {
		for _, group := range []struct {
			name     string
			subjects []v1alpha1.Subject
		}{{"viewers", a.Viewers}, {"editors", a.Editors}, {"metricsScrapers", a.MetricsScrapers}} {
			for i, s := range group.subjects {
				base := diag.Path("spec.access").Child(group.name).Index(i)
				if s.Kind == "ServiceAccount" {
					sub("Subject.Name", "for a ServiceAccount", base.Child("name").String(), s.Name)
				}
				sub("Subject.Namespace", "", base.Child("namespace").String(), s.Namespace)
			}
		}
	}
	return fs
}

// scheduling checks where the registry's and the pruner's pods may run:
// node selector labels and tolerations, as the API server validates them.
func scheduling(c *Context) []diag.Finding {
	var fs []diag.Finding
	check := func(prefix, selectorField, tolerationsField string, selector map[string]string, tolerations []corev1.Toleration) {
		for _, k := range sortedKeys(selector) {
			p := diag.Path(prefix).Child("nodeSelector").Child(k).String()
			fs = append(fs, checkName(selectorField, "keys", p, k)...)
			fs = append(fs, checkName(selectorField, "values", p, selector[k])...)
		}
		for i, t := range tolerations {
			base := diag.Path(prefix).Child("tolerations").Index(i)
			if t.Key != "" {
				fs = append(fs, checkName(tolerationsField, "key", base.Child("key").String(), t.Key)...)
			}
			switch t.Operator {
			case "", corev1.TolerationOpEqual:
				fs = append(fs, checkName(tolerationsField, "value", base.Child("value").String(), t.Value)...)
			case corev1.TolerationOpExists:
				if t.Value != "" {
					fs = append(fs, diag.Errorf(base.Child("value").String(), "remove value, or use operator: Equal", "a toleration with operator Exists takes no value"))
				}
			default:
				fs = append(fs, oneOf(base.Child("operator").String(), string(t.Operator), tolerationOperators...)...)
			}
			if t.Key == "" && t.Operator != corev1.TolerationOpExists {
				fs = append(fs, diag.Errorf(base.Child("operator").String(), "set operator: Exists, or a key", "a toleration without a key must use operator Exists"))
			}
			if t.Effect != "" {
				fs = append(fs, oneOf(base.Child("effect").String(), string(t.Effect), taintEffects...)...)
			}
			if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
				fs = append(fs, diag.Errorf(base.Child("tolerationSeconds").String(), "set effect: NoExecute, or remove tolerationSeconds", "tolerationSeconds applies to the NoExecute effect only"))
			}
		}
	}
	check(c.path("registry"), "RegistrySpec.NodeSelector", "RegistrySpec.Tolerations", c.R.Registry.NodeSelector, c.R.Registry.Tolerations)
	if pr := c.R.Pruner; pr != nil {
		check("spec.pruner", "PrunerSpec.NodeSelector", "PrunerSpec.Tolerations", pr.NodeSelector, pr.Tolerations)
	}
	return fs
}

// The values the API server accepts in a toleration (k8s.io/api core/v1).
var (
	tolerationOperators = []string{string(corev1.TolerationOpExists), string(corev1.TolerationOpEqual)}
	taintEffects        = []string{string(corev1.TaintEffectNoSchedule), string(corev1.TaintEffectPreferNoSchedule), string(corev1.TaintEffectNoExecute)}
)

// containerResources checks requests and limits: known resource names,
// no negative quantity, no request above its limit.
func containerResources(c *Context) []diag.Finding {
	var fs []diag.Finding
	check := func(prefix, field string, rr *corev1.ResourceRequirements) {
		if rr == nil {
			return
		}
		for _, part := range []struct {
			name string
			list corev1.ResourceList
		}{{"requests", rr.Requests}, {"limits", rr.Limits}} {
			for _, name := range sortedKeys(part.list) {
				p := diag.Path(prefix).Child("resources").Child(part.name).Child(name).String()
				fs = append(fs, checkName(field, "resource names", p, name)...)
				q := part.list[corev1.ResourceName(name)]
				if q.Sign() < 0 {
					fs = append(fs, diag.Errorf(p, "write 0 or more", "must not be negative"))
				}
			}
		}
		for _, name := range sortedKeys(rr.Requests) {
			req, lim := rr.Requests[corev1.ResourceName(name)], rr.Limits[corev1.ResourceName(name)]
			if _, limited := rr.Limits[corev1.ResourceName(name)]; limited && req.Cmp(lim) > 0 {
				fs = append(fs, diag.Errorf(diag.Path(prefix).Child("resources").Child("requests").Child(name).String(),
					"lower the request to the limit or less, or raise the limit", "the request is above its limit: the API server refuses the pod"))
			}
		}
	}
	check(c.path("registry"), "RegistrySpec.Resources", c.R.Registry.Resources)
	if pr := c.R.Pruner; pr != nil {
		check("spec.pruner", "PrunerSpec.Resources", pr.Resources)
	}
	return fs
}

// buckets checks bucket, container, account and region names per
// provider, where the operator would otherwise fail to reach storage.
func buckets(c *Context) []diag.Finding {
	s := c.R.Registry.Storage
	if s == nil {
		return nil
	}
	var fs []diag.Finding
	check := func(field, rel, value string) {
		if value != "" {
			fs = append(fs, checkName(field, "", c.path(rel), value)...)
		}
	}
	if s.S3 != nil {
		if !c.R.Defaulted.S3Bucket {
			check("S3.Bucket", "registry.storage.s3.bucket", s.S3.Bucket)
		}
		check("S3.Region", "registry.storage.s3.region", s.S3.Region)
	}
	if s.GCS != nil {
		check("GCS.Bucket", "registry.storage.gcs.bucket", s.GCS.Bucket)
		check("GCS.Region", "registry.storage.gcs.region", s.GCS.Region)
	}
	if s.Azure != nil {
		check("Azure.AccountName", "registry.storage.azure.accountName", s.Azure.AccountName)
	}
	return fs
}
