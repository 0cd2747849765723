package operator

import "testing"

func TestNewestIn(t *testing.T) {
	table := map[string]Version{"a": {4, 5}, "b.c": {4, 17}, "d": {4, 11}}
	if got := NewestIn(table); got != (Version{4, 17}) {
		t.Errorf("NewestIn = %v; want 4.17", got)
	}
	if got := NewestIn(nil); got != Oldest {
		t.Errorf("NewestIn of no table = %v; want the oldest release, %v", got, Oldest)
	}
	// Every gated field is at most the newest: a target at it gates nothing.
	for _, table := range []map[string]Version{ConfigFieldSince, PrunerFieldSince} {
		newest := NewestIn(table)
		for field, since := range table {
			if newest.Less(since) {
				t.Errorf("%s needs %v, newer than NewestIn's %v", field, since, newest)
			}
		}
	}
}
