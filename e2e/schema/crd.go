package schema

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsv1beta1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1beta1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

// crdVersion is everything needed to validate objects of one served version
// of one CRD, prepared once so that validating an object does no schema work.
type crdVersion struct {
	gvk        schema.GroupVersionKind
	source     CRDSource
	namespaced bool

	// structural drives pruning (unknown-field detection), defaulting,
	// list-type and embedded-resource checks, and CEL.
	structural *structuralschema.Structural
	// openAPI is the OpenAPI v3 validator the API server runs
	// (types, patterns, enums, formats, required, min/max, ...).
	openAPI apiservervalidation.SchemaValidator
	// cel holds the compiled x-kubernetes-validations rules; nil if the
	// schema has none.
	cel *cel.Validator
}

// loadCRDFile reads every CustomResourceDefinition in a (possibly
// multi-document) manifest file and prepares its served versions.
func loadCRDFile(src CRDSource, file string) ([]*crdVersion, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	var out []*crdVersion
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		var tm struct{ APIVersion, Kind string }
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		if tm.Kind != "CustomResourceDefinition" {
			continue // e.g. an empty document
		}
		var vs []*crdVersion
		switch tm.APIVersion {
		case apiextensionsv1.SchemeGroupVersion.String():
			// Strict: if an upstream CRD starts using a schema feature this
			// apiextensions-apiserver version does not know, fail loudly
			// instead of silently validating against a weaker schema.
			var crd apiextensionsv1.CustomResourceDefinition
			if err := yaml.UnmarshalStrict(doc, &crd); err != nil {
				return nil, fmt.Errorf("%s: decoding CRD: %w", src, err)
			}
			vs, err = prepareCRD(src, &crd)
		case apiextensionsv1beta1.SchemeGroupVersion.String():
			// Only old OpenShift releases' registry CRDs (ForRelease).
			var crd apiextensionsv1beta1.CustomResourceDefinition
			if err := yaml.UnmarshalStrict(doc, &crd); err != nil {
				return nil, fmt.Errorf("%s: decoding CRD: %w", src, err)
			}
			vs, err = prepareCRDV1beta1(src, &crd)
		default:
			// Refuse anything else rather than guess how to translate it.
			return nil, fmt.Errorf("%s: CRD has apiVersion %q, only %s and %s are supported", src, tm.APIVersion, apiextensionsv1.SchemeGroupVersion, apiextensionsv1beta1.SchemeGroupVersion)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no CustomResourceDefinition found", src)
	}
	return out, nil
}

// crdScheme knows the apiextensions.k8s.io/v1 and v1beta1 defaulting
// functions and the conversions to the internal API type that the
// validation code works on.
var crdScheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(apiextensions.AddToScheme(s))
	utilruntime.Must(apiextensionsv1.AddToScheme(s))
	utilruntime.Must(apiextensionsv1beta1.AddToScheme(s))
	return s
}()

// prepareCRD builds validators for each served version of crd, the same way
// the apiextensions API server does when the CRD is installed.
func prepareCRD(src CRDSource, crd *apiextensionsv1.CustomResourceDefinition) ([]*crdVersion, error) {
	where := fmt.Sprintf("%s: CRD %s", src, crd.Name)

	// Apply the v1 API defaults and convert to the internal type (this runs
	// Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps on every
	// schema), as the server does when the CRD is created.
	crdScheme.Default(crd)
	in := &apiextensions.CustomResourceDefinition{}
	if err := crdScheme.Convert(crd, in, nil); err != nil {
		return nil, fmt.Errorf("%s: converting to internal API: %w", where, err)
	}
	// storedVersions is status the server maintains; validation insists it
	// names the storage version.
	for _, ver := range in.Spec.Versions {
		if ver.Storage {
			in.Status.StoredVersions = []string{ver.Name}
		}
	}
	// Run the server's own CRD admission validation: structural schema,
	// pruned defaults, list-type rules, and every x-kubernetes-validations
	// rule compiling within cost limits with this CEL version. If the pinned
	// CRD needs a newer API server than this apiextensions-apiserver, fail
	// here, loudly, rather than validate against part of the schema.
	if errs := crdvalidation.ValidateCustomResourceDefinition(context.Background(), in); len(errs) > 0 {
		return nil, fmt.Errorf("%s: not installable on k8s.io/apiextensions-apiserver %s: %w", where, moduleVersion("k8s.io/apiextensions-apiserver"), errs.ToAggregate())
	}
	return prepareVersions(src, where, in)
}

// prepareCRDV1beta1 builds validators for an apiextensions.k8s.io/v1beta1
// CRD. Only old OpenShift releases' registry CRDs (4.3 to 4.6, see
// ForRelease) come in this form. Three things differ from prepareCRD:
//
//   - Defaulting and conversion use the v1beta1 scheme (spec.version
//     becomes spec.versions, preserveUnknownFields defaults to true, a
//     top-level spec.validation is kept and applies to every version).
//   - Unknown fields are always detected, by pruning, as for v1 CRDs, even
//     where the old API server kept and ignored them: 4.3's and 4.6's CRDs
//     do not set preserveUnknownFields: false, and a non-structural v1beta1
//     schema is never pruned. This is a deliberate strictness measure: a
//     field an old release silently ignores is exactly the mistake
//     per-release validation exists to catch. For the same reason a
//     non-structural schema is completed by makeStructural.
//   - The install-time CRD validation (ValidateCustomResourceDefinition) is
//     skipped: these CRDs were installable on their own era's API servers,
//     and today's rules reject what v1beta1 allowed (preserveUnknownFields:
//     true, non-structural schemas, ...). What still makes sense is run:
//     the (completed) schemas must be structural, since pruning, and with
//     it unknown-field detection, is only sound on a structural schema.
//
// required lists, types, patterns and enums are enforced by the same
// OpenAPI validator as for v1 CRDs.
func prepareCRDV1beta1(src CRDSource, crd *apiextensionsv1beta1.CustomResourceDefinition) ([]*crdVersion, error) {
	where := fmt.Sprintf("%s: CRD %s", src, crd.Name)
	crdScheme.Default(crd)
	in := &apiextensions.CustomResourceDefinition{}
	if err := crdScheme.Convert(crd, in, nil); err != nil {
		return nil, fmt.Errorf("%s: converting to internal API: %w", where, err)
	}
	makeStructural(in.Spec.Validation)
	for i := range in.Spec.Versions {
		makeStructural(in.Spec.Versions[i].Schema)
	}
	return prepareVersions(src, where, in, checkStructural)
}

// makeStructural fills in "type: object" on every schema node, reachable
// through properties, items and additionalProperties, that declares
// properties but no type: the usual way a v1beta1 schema is not structural.
// The pinned 4.3 to 4.6 CRDs happen to declare their types throughout, so
// today this changes nothing for them; it keeps pruning strict for any
// older snapshot pinned later. Whatever else is not structural is reported
// by checkStructural. Nodes inside allOf/anyOf/oneOf/not are left alone: a
// structural schema must not declare types there.
func makeStructural(v *apiextensions.CustomResourceValidation) {
	if v == nil {
		return
	}
	var walk func(s *apiextensions.JSONSchemaProps)
	walk = func(s *apiextensions.JSONSchemaProps) {
		if s == nil {
			return
		}
		if s.Type == "" && len(s.Properties) > 0 {
			s.Type = "object"
		}
		for k, p := range s.Properties {
			walk(&p)
			s.Properties[k] = p
		}
		if s.Items != nil {
			walk(s.Items.Schema)
			for i := range s.Items.JSONSchemas {
				walk(&s.Items.JSONSchemas[i])
			}
		}
		if s.AdditionalProperties != nil {
			walk(s.AdditionalProperties.Schema)
		}
	}
	walk(v.OpenAPIV3Schema)
}

// checkStructural rejects a schema that is still not structural, with the
// API server's own messages: pruning would then not detect unknown fields
// the way the server does for a structural schema.
func checkStructural(where string, ss *structuralschema.Structural) error {
	if errs := structuralschema.ValidateStructural(field.NewPath("openAPIV3Schema"), ss); len(errs) > 0 {
		return fmt.Errorf("%s: schema is not structural even with types filled in: %w", where, errs.ToAggregate())
	}
	return nil
}

// prepareVersions builds the validators of every served version of an
// internal CRD. checks run on each version's structural schema first.
func prepareVersions(src CRDSource, where string, in *apiextensions.CustomResourceDefinition, checks ...func(string, *structuralschema.Structural) error) ([]*crdVersion, error) {
	var out []*crdVersion
	for _, ver := range in.Spec.Versions {
		if !ver.Served {
			// The API server rejects objects of unserved versions, so they
			// get no validator and end up as "no schema" errors.
			continue
		}
		where := where + " version " + ver.Name
		val, err := apiextensions.GetSchemaForVersion(in, ver.Name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if val == nil || val.OpenAPIV3Schema == nil {
			return nil, fmt.Errorf("%s: no openAPIV3Schema", where)
		}
		ss, err := structuralschema.NewStructural(val.OpenAPIV3Schema)
		if err != nil {
			return nil, fmt.Errorf("%s: building structural schema: %w", where, err)
		}
		for _, check := range checks {
			if err := check(where, ss); err != nil {
				return nil, err
			}
		}
		openAPI, _, err := apiservervalidation.NewSchemaValidator(val.OpenAPIV3Schema)
		if err != nil {
			return nil, fmt.Errorf("%s: building OpenAPI validator: %w", where, err)
		}
		out = append(out, &crdVersion{
			gvk:        schema.GroupVersionKind{Group: in.Spec.Group, Version: ver.Name, Kind: in.Spec.Names.Kind},
			source:     src,
			namespaced: in.Spec.Scope == apiextensions.NamespaceScoped,
			structural: ss,
			openAPI:    openAPI,
			// Compiles the rules once, here (nil if there are none).
			cel: cel.NewValidator(ss, true, celconfig.PerCallLimit),
		})
	}
	return out, nil
}

// validate checks one custom resource. obj must be a private deep copy: like
// the API server, this prunes and defaults it in place before validating.
//
// The steps and their order follow the apiextensions API server's create
// path (unstructuredSchemaCoercer.apply, the defaulting decoder, then
// customResourceStrategy.Validate), with strict field validation on: unknown
// fields are errors rather than being silently dropped.
func (cv *crdVersion) validate(obj map[string]interface{}) []error {
	var errs []error

	// metadata is decoded into ObjectMeta; fields ObjectMeta does not have
	// are unknown fields.
	meta, foundMeta, unknownMeta, err := schemaobjectmeta.GetObjectMetaWithOptions(obj, schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return append(errs, field.Invalid(field.NewPath("metadata"), obj["metadata"], err.Error()))
	}
	errs = appendUnknownFields(errs, unknownMeta)

	// Pruning removes every field the schema does not declare; recording
	// what it removed is exactly the API server's strict unknown-field check.
	errs = appendUnknownFields(errs, pruning.PruneWithOptions(obj, cv.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true}))
	if foundMeta {
		// Like the server, continue with metadata as ObjectMeta sees it.
		if err := schemaobjectmeta.SetObjectMeta(obj, meta); err != nil {
			return append(errs, field.Invalid(field.NewPath("metadata"), obj["metadata"], err.Error()))
		}
	}
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(obj, cv.structural)
	// Unknown fields inside embedded resources' metadata
	// (x-kubernetes-embedded-resource), e.g. templates of other objects.
	if ferr, paths := schemaobjectmeta.CoerceWithOptions(nil, obj, cv.structural, false, schemaobjectmeta.CoerceOptions{ReturnUnknownFieldPaths: true}); ferr != nil {
		errs = append(errs, ferr)
	} else {
		errs = appendUnknownFields(errs, paths)
	}

	// Defaults are applied before validation, as on the server: some rules
	// (e.g. CEL on Azure networkAccess) depend on defaulted fields.
	structuraldefaulting.Default(obj, cv.structural)

	// metadata problems are kept apart from schema problems: they do not
	// stop CEL rules from running (see below). Name is required even with
	// generateName: the server generates the name before this check, and a
	// rendered manifest is applied declaratively, which needs a fixed name.
	metaErrs := apivalidation.ValidateObjectMetaAccessor(meta, cv.namespaced, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	for _, fe := range metaErrs {
		errs = append(errs, fe)
	}

	var schemaErrs field.ErrorList
	schemaErrs = append(schemaErrs, apiservervalidation.ValidateCustomResource(nil, obj, cv.openAPI)...)
	schemaErrs = append(schemaErrs, schemaobjectmeta.Validate(nil, obj, cv.structural, false)...)
	schemaErrs = append(schemaErrs, listtype.ValidateListSetsAndMaps(nil, cv.structural, obj)...)
	for _, fe := range schemaErrs {
		errs = append(errs, fe)
	}

	if cv.cel != nil {
		// Like the server, skip CEL when the object is structurally broken
		// (wrong types, missing required fields, ...): rules assume the
		// schema holds and would only add noise. Unlike the server, invalid
		// metadata does not block CEL, so one run reports both.
		if isBlocking(schemaErrs) {
			errs = append(errs, errors.New("x-kubernetes-validations (CEL) rules were not checked because of the schema errors above"))
		} else {
			celErrs, _ := cv.cel.Validate(context.Background(), nil, cv.structural, obj, nil, celconfig.RuntimeCELCostBudget)
			for _, fe := range celErrs {
				errs = append(errs, fe)
			}
		}
	}
	return errs
}

// isBlocking mirrors the API server's rule (hasBlockingErr in
// customResourceStrategy) for which errors stop CEL rules from running.
func isBlocking(errs field.ErrorList) bool {
	for _, err := range errs {
		switch err.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return true
		}
	}
	return false
}

func appendUnknownFields(errs []error, paths []string) []error {
	for _, p := range paths {
		errs = append(errs, &UnknownFieldError{Path: p})
	}
	return errs
}

// moduleVersion reports the version of a module linked into this binary, for
// error messages.
func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			if dep.Path == path {
				return dep.Version
			}
		}
	}
	return "(unknown version)"
}
