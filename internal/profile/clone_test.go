package profile

import (
	"reflect"
	"testing"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
)

// fill sets every exported field reachable from v (a settable value):
// pointers to new values, slices and maps to one element, and scalars to a
// value that stands for seed, so that two fills with different seeds differ
// in every field.
func fill(v reflect.Value, seed int) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), seed)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), seed)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, 0) // one key in both fills, so that an entry written through a shared map shows
		fill(e, seed)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), seed)
			}
		}
	case reflect.String:
		v.SetString(string(rune('a' + seed)))
	case reflect.Bool:
		v.SetBool(seed%2 == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(seed))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(seed))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(seed))
	}
}

// TestCloneSharesNothing fills every field of a profile's spec, clones it,
// checks the clone equals it, then overwrites every field of the clone,
// maps' entries included: the original must not change. A field the
// clone shares (a pointer, slice or map copied as is) would show.
func TestCloneSharesNothing(t *testing.T) {
	var spec, want v1alpha1.RegistryProfileSpec
	fill(reflect.ValueOf(&spec).Elem(), 1)
	fill(reflect.ValueOf(&want).Elem(), 1)
	got := clone(&spec)
	if !reflect.DeepEqual(got, &spec) {
		t.Fatalf("the clone differs from the original:\n%+v\n%+v", got, spec)
	}
	overwrite(reflect.ValueOf(got).Elem())
	if !reflect.DeepEqual(spec, want) {
		t.Fatal("writing into the clone changed the original: a pointer, slice or map is shared")
	}
}

// overwrite changes every scalar reachable from v in place, following the
// clone's own pointers, slices and maps rather than replacing them.
func overwrite(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			overwrite(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			overwrite(v.Index(i))
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, 2)
			v.SetMapIndex(it.Key(), e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				overwrite(v.Field(i))
			}
		}
	default:
		if v.CanSet() {
			fill(v, 2)
		}
	}
}
