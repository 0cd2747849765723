package build

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// cliOptions are the options kustomize's CLI gives its API for
// "kustomize build --enable-alpha-plugins --enable-exec DIR" (the pinned
// kustomize's commands/build: HonorKustomizeFlags with every other flag
// at its default).
func cliOptions() *krusty.Options {
	opts := krusty.MakeDefaultOptions()
	opts.Reorder = krusty.ReorderOptionUnspecified
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	c := types.EnabledPluginConfig(types.BploUseStaticallyLinked)
	c.FnpLoadingOptions = types.FnPluginLoadingOptions{
		EnableExec:  true,
		NetworkName: "bridge",
		Mounts:      []string{},
		Env:         []string{},
	}
	c.HelmConfig.Command = "helm"
	c.HelmConfig.ApiVersions = []string{}
	opts.PluginConfig = c
	return opts
}

// exactBuild is what the kustomize CLI does: exec functions run as
// processes, found on PATH.
func exactBuild(dir string) (resmap.ResMap, error) {
	return krusty.MakeKustomizer(cliOptions()).Run(filesys.MakeFsOnDisk(), dir)
}

// overlayFS is the disk, with some files replaced or added (keyed by
// absolute, symlink-free path).
type overlayFS struct {
	filesys.FileSystem
	files map[string][]byte
	// names are the virtual files' base names: kustomize asks about every
	// file it touches, and resolving a path's symbolic links (key) for
	// each would cost more than the build's parsing.
	names map[string]bool
	// rewrite, when set, changes every file's content as it is read.
	rewrite func([]byte) []byte
}

func newOverlayFS() *overlayFS {
	return &overlayFS{FileSystem: filesys.MakeFsOnDisk(), files: map[string][]byte{}, names: map[string]bool{}}
}

// key is the name a file is known by: absolute, with symbolic links in
// its directory resolved (as kustomize's loader resolves them).
func key(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		return abs
	}
	return filepath.Join(dir, filepath.Base(abs))
}

func (o *overlayFS) set(path string, data []byte) {
	o.files[key(path)] = data
	o.names[filepath.Base(path)] = true
}

func (o *overlayFS) virtual(path string) ([]byte, bool) {
	if !o.names[filepath.Base(path)] {
		return nil, false
	}
	b, ok := o.files[key(path)]
	return b, ok
}

func (o *overlayFS) ReadFile(path string) ([]byte, error) {
	b, ok := o.virtual(path)
	if !ok {
		var err error
		if b, err = o.FileSystem.ReadFile(path); err != nil {
			return nil, err
		}
	}
	if o.rewrite != nil {
		b = o.rewrite(b)
	}
	return b, nil
}

func (o *overlayFS) Exists(path string) bool {
	if _, ok := o.virtual(path); ok {
		return true
	}
	return o.FileSystem.Exists(path)
}

func (o *overlayFS) Open(path string) (filesys.File, error) {
	if _, ok := o.virtual(path); ok {
		return nil, &fs.PathError{Op: "open", Path: path, Err: errors.ErrUnsupported}
	}
	return o.FileSystem.Open(path)
}

func (o *overlayFS) CleanedAbs(path string) (filesys.ConfirmedDir, string, error) {
	if _, ok := o.virtual(path); ok {
		if _, err := os.Lstat(key(path)); err != nil {
			k := key(path)
			return filesys.ConfirmedDir(filepath.Dir(k)), filepath.Base(k), nil
		}
	}
	return o.FileSystem.CleanedAbs(path)
}
