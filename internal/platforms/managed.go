package platforms

// Managed offerings are clusters whose registry Red Hat SRE manages: the
// customer's administrators (dedicated-admin) may look at the registry but
// not configure it, so regprofile renders nothing for them (OpenShift
// Dedicated 4, "Registry", chapters 2 and 3).
var managed = map[string]string{
	"openshift-dedicated": "OpenShift Dedicated",
	"rosa":                "Red Hat OpenShift Service on AWS",
}

// ManagedOffering returns the offering's full name when name is a managed
// offering whose registry is not the user's to configure.
func ManagedOffering(name string) (string, bool) {
	full, ok := managed[name]
	return full, ok
}

// ManagedFix says what a dedicated-admin can still do on a managed
// offering, in place of a profile.
const ManagedFix = "keep the registry out of this cluster's GitOps; a dedicated-admin can still check the registry pods " +
	"(oc get pods -n openshift-image-registry) and read its logs (oc logs deployments/image-registry -n openshift-image-registry), " +
	"and ask Red Hat SRE, through a support case, for a change to the registry's configuration"
