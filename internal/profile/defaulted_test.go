package profile_test

import (
	"testing"

	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// The version rule looks up defaulted Config fields by the names
// operator.ConfigFieldSince gives them: a name that is not there would
// never match, and the rule would blame the profile for a platform's
// default.
func TestDefaultedConfigFieldsAreGated(t *testing.T) {
	for field := range (profile.Defaulted{}).ConfigFields() {
		if _, ok := operator.ConfigFieldSince[field]; !ok {
			t.Errorf("Defaulted.ConfigFields names %q, which is not in operator.ConfigFieldSince", field)
		}
	}
}
