package apiserver

import (
	"context"
	"fmt"
	"io"

	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/admission"
	genericadmissioninitializer "k8s.io/apiserver/pkg/admission/initializer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/apis/core"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	"k8s.io/kubernetes/pkg/apis/rbac"
	_ "k8s.io/kubernetes/pkg/apis/rbac/install"
	rbacvalidation "k8s.io/kubernetes/pkg/apis/rbac/validation"
	"k8s.io/kubernetes/pkg/apis/storage"
	_ "k8s.io/kubernetes/pkg/apis/storage/install"
	storagevalidation "k8s.io/kubernetes/pkg/apis/storage/validation"
	"k8s.io/kubernetes/plugin/pkg/admission/storage/persistentvolume/resize"
	"sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// The built-in kinds are judged by the code kube-apiserver runs on them:
// the strict JSON decoder (unknown and duplicate fields), defaulting, the
// conversion to the internal types, the kind's validation, and for claims
// the PersistentVolumeClaimResize admission plugin. A kube-apiserver is
// not started: see the package README for why.

// builtin is how one built-in kind is validated.
type builtin struct {
	create func(obj runtime.Object) field.ErrorList
	update func(obj, old runtime.Object) field.ErrorList
}

var builtins = map[schema.GroupKind]builtin{
	{Group: "", Kind: "PersistentVolumeClaim"}: {
		create: func(o runtime.Object) field.ErrorList {
			pvc := o.(*core.PersistentVolumeClaim)
			return corevalidation.ValidatePersistentVolumeClaim(pvc, corevalidation.ValidationOptionsForPersistentVolumeClaim(pvc, nil))
		},
		update: func(o, old runtime.Object) field.ErrorList {
			pvc, oldPVC := o.(*core.PersistentVolumeClaim), old.(*core.PersistentVolumeClaim)
			return corevalidation.ValidatePersistentVolumeClaimUpdate(pvc, oldPVC, corevalidation.ValidationOptionsForPersistentVolumeClaim(pvc, oldPVC))
		},
	},
	{Group: "", Kind: "PersistentVolume"}: {
		create: func(o runtime.Object) field.ErrorList {
			pv := o.(*core.PersistentVolume)
			return corevalidation.ValidatePersistentVolume(pv, corevalidation.ValidationOptionsForPersistentVolume(pv, nil))
		},
		update: func(o, old runtime.Object) field.ErrorList {
			pv, oldPV := o.(*core.PersistentVolume), old.(*core.PersistentVolume)
			return corevalidation.ValidatePersistentVolumeUpdate(pv, oldPV, corevalidation.ValidationOptionsForPersistentVolume(pv, oldPV))
		},
	},
	{Group: "", Kind: "ConfigMap"}: {
		create: func(o runtime.Object) field.ErrorList { return corevalidation.ValidateConfigMap(o.(*core.ConfigMap)) },
		update: func(o, old runtime.Object) field.ErrorList {
			return corevalidation.ValidateConfigMapUpdate(o.(*core.ConfigMap), old.(*core.ConfigMap))
		},
	},
	{Group: "", Kind: "Secret"}: {
		create: func(o runtime.Object) field.ErrorList { return corevalidation.ValidateSecret(o.(*core.Secret)) },
		update: func(o, old runtime.Object) field.ErrorList {
			return corevalidation.ValidateSecretUpdate(o.(*core.Secret), old.(*core.Secret))
		},
	},
	{Group: "", Kind: "ServiceAccount"}: {
		create: func(o runtime.Object) field.ErrorList {
			return corevalidation.ValidateServiceAccount(o.(*core.ServiceAccount))
		},
		update: func(o, old runtime.Object) field.ErrorList {
			return corevalidation.ValidateServiceAccountUpdate(o.(*core.ServiceAccount), old.(*core.ServiceAccount))
		},
	},
	{Group: "storage.k8s.io", Kind: "StorageClass"}: {
		create: func(o runtime.Object) field.ErrorList {
			return storagevalidation.ValidateStorageClass(o.(*storage.StorageClass))
		},
		update: func(o, old runtime.Object) field.ErrorList {
			return storagevalidation.ValidateStorageClassUpdate(o.(*storage.StorageClass), old.(*storage.StorageClass))
		},
	},
	{Group: "rbac.authorization.k8s.io", Kind: "Role"}: {
		create: func(o runtime.Object) field.ErrorList { return rbacvalidation.ValidateRole(o.(*rbac.Role)) },
		update: func(o, old runtime.Object) field.ErrorList {
			return rbacvalidation.ValidateRoleUpdate(o.(*rbac.Role), old.(*rbac.Role))
		},
	},
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}: {
		create: func(o runtime.Object) field.ErrorList {
			return rbacvalidation.ValidateClusterRole(o.(*rbac.ClusterRole), rbacvalidation.ClusterRoleValidationOptions{})
		},
		update: func(o, old runtime.Object) field.ErrorList {
			return rbacvalidation.ValidateClusterRoleUpdate(o.(*rbac.ClusterRole), old.(*rbac.ClusterRole), rbacvalidation.ClusterRoleValidationOptions{})
		},
	},
	{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}: {
		create: func(o runtime.Object) field.ErrorList {
			return rbacvalidation.ValidateRoleBinding(o.(*rbac.RoleBinding))
		},
		update: func(o, old runtime.Object) field.ErrorList {
			return rbacvalidation.ValidateRoleBindingUpdate(o.(*rbac.RoleBinding), old.(*rbac.RoleBinding))
		},
	},
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}: {
		create: func(o runtime.Object) field.ErrorList {
			return rbacvalidation.ValidateClusterRoleBinding(o.(*rbac.ClusterRoleBinding))
		},
		update: func(o, old runtime.Object) field.ErrorList {
			return rbacvalidation.ValidateClusterRoleBindingUpdate(o.(*rbac.ClusterRoleBinding), old.(*rbac.ClusterRoleBinding))
		},
	},
}

// internal decodes a rendered object as kube-apiserver does: strictly
// into its versioned type, defaulted, converted to the internal type.
func internal(doc []byte) (runtime.Object, error) {
	data, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, err
	}
	var tm struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := json.UnmarshalCaseSensitivePreserveInts(data, &tm); err != nil {
		return nil, err
	}
	gvk := schema.FromAPIVersionAndKind(tm.APIVersion, tm.Kind)
	versioned, err := legacyscheme.Scheme.New(gvk)
	if err != nil {
		return nil, err
	}
	strict, err := json.UnmarshalStrict(data, versioned)
	if err != nil {
		return nil, err
	}
	if len(strict) > 0 {
		return nil, fmt.Errorf("strict decoding error: %v", strict)
	}
	legacyscheme.Scheme.Default(versioned)
	return legacyscheme.Scheme.ConvertToVersion(versioned, schema.GroupVersion{Group: gvk.Group, Version: runtime.APIVersionInternal})
}

// resizeCheck runs the PersistentVolumeClaimResize admission plugin on a
// claim's update, with the given StorageClasses in its lister.
func resizeCheck(obj, old runtime.Object, classes []*storagev1.StorageClass) error {
	plugins := admission.NewPlugins()
	resize.Register(plugins)
	// A client that is never called: the lister is filled by hand.
	factory := informers.NewSharedInformerFactory(kubernetes.NewForConfigOrDie(&rest.Config{Host: "http://127.0.0.1:1"}), 0)
	indexer := factory.Storage().V1().StorageClasses().Informer().GetIndexer()
	for _, c := range classes {
		if err := indexer.Add(c); err != nil {
			return err
		}
	}
	p, err := plugins.InitPlugin(resize.PluginName, io.Reader(nil), genericadmissioninitializer.New(nil, nil, factory, nil, nil, nil, nil))
	if err != nil {
		return err
	}
	p.(interface{ SetReadyFunc(admission.ReadyFunc) }).SetReadyFunc(func() bool { return true })
	pvc := obj.(*core.PersistentVolumeClaim)
	attrs := admission.NewAttributesRecord(obj, old, core.Kind("PersistentVolumeClaim").WithVersion(""), pvc.Namespace, pvc.Name,
		core.Resource("persistentvolumeclaims").WithVersion(""), "", admission.Update, nil, false, nil)
	return p.(admission.ValidationInterface).Validate(context.Background(), attrs, nil)
}
