package operator

import (
	"fmt"
	"regexp"
	"strconv"
)

// Version is an OpenShift release, 4.N.
type Version struct{ Major, Minor int }

var (
	// Oldest is the oldest release a profile may target.
	Oldest = Version{4, 2}
	// Newest is the newest release regprofile knows; the default target.
	Newest = Version{4, 22}
)

var versionPattern = regexp.MustCompile(`^([1-9][0-9]?)\.(0|[1-9][0-9]?)$`)

// ParseVersion parses "4.N"; an empty string is the newest release.
func ParseVersion(s string) (Version, error) {
	if s == "" {
		return Newest, nil
	}
	m := versionPattern.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("not a release written 4.N, e.g. \"4.14\" (quoted, no leading zeros, no patch version)")
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	v := Version{major, minor}
	if v.Less(Oldest) || Newest.Less(v) {
		return Version{}, fmt.Errorf("%s is not supported: regprofile supports %s to %s", v, Oldest, Newest)
	}
	return v, nil
}

// Less reports whether v is older than o.
func (v Version) Less(o Version) bool {
	return v.Major < o.Major || (v.Major == o.Major && v.Minor < o.Minor)
}

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }
