package platforms

import (
	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/profile"
)

// volumeObjects renders the claim a PVC platform creates for the registry.
// Class, access mode, volume mode and size are always written out: they are
// immutable (size may only grow), and leaving one to the API server's
// defaults makes the next apply fail or drift.
//
// immediate says the class binds claims at once; otherwise the claim is
// treated as WaitForFirstConsumer, the safe assumption for ordering.
func volumeObjects(r *profile.Resolved, immediate bool) []*kobj.Object {
	if r.PVC == nil {
		return nil
	}
	claim := kobj.New("v1", "PersistentVolumeClaim", kobj.RegistryNamespace, r.PVC.Name, map[string]any{
		"spec": map[string]any{
			"accessModes":      []string{r.PVC.AccessMode},
			"storageClassName": r.PVC.StorageClassName,
			"volumeMode":       r.PVC.VolumeMode,
			"resources":        map[string]any{"requests": map[string]any{"storage": r.PVC.Size}},
		},
	})
	claim.WaitsForConsumer = !immediate
	return []*kobj.Object{claim}
}
