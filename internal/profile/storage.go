package profile

import (
	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/operator"
)

// Backends returns the backends a storage stanza sets, in a fixed order.
func Backends(s *v1alpha1.Storage) []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, b := range []struct {
		name string
		set  bool
	}{
		{operator.EmptyDir, s.EmptyDir != nil}, {operator.S3, s.S3 != nil}, {operator.GCS, s.GCS != nil},
		{operator.Azure, s.Azure != nil}, {operator.Swift, s.Swift != nil}, {operator.PVC, s.PVC != nil},
	} {
		if b.set {
			out = append(out, b.name)
		}
	}
	return out
}
