package diag

import "testing"

func TestReport(t *testing.T) {
	f := Finding{Severity: Error, Path: "spec.registry.replicas", Message: "two replicas on a ReadWriteOnce volume", Fix: "set accessMode ReadWriteMany"}
	for where, want := range map[string]string{
		"profile.yaml:7": "regprofile: error: profile.yaml:7: spec.registry.replicas: two replicas on a ReadWriteOnce volume; fix: set accessMode ReadWriteMany",
		"":               "regprofile: error: spec.registry.replicas: two replicas on a ReadWriteOnce volume; fix: set accessMode ReadWriteMany",
	} {
		if got := f.Report(where); got != want {
			t.Errorf("Report(%q) = %q, want %q", where, got, want)
		}
	}
	if got, want := (Finding{Severity: Warning, Message: "m"}).Report("Config/cluster"), "regprofile: warning: Config/cluster: m"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
