package web

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed assets
var assetFS embed.FS

// assets are the embedded files under AssetsPath.
var assets = func() fs.FS {
	sub, err := fs.Sub(assetFS, "assets")
	if err != nil {
		panic(err) // the embed pattern names the directory
	}
	return sub
}()

// errNoAsset is why a path under AssetsPath is refused.
var errNoAsset = errors.New("not an embedded asset")

// assetName returns the embedded file a GET or HEAD of path names, or ""
// for anything else: another method, a directory, a path with "..", a
// file that is not embedded.
func assetName(method, path string) string {
	if method != http.MethodGet && method != http.MethodHead {
		return ""
	}
	name := strings.TrimPrefix(path, AssetsPath)
	if !fs.ValidPath(name) || name == "." {
		return ""
	}
	st, err := fs.Stat(assets, name)
	if err != nil || !st.Mode().IsRegular() {
		return ""
	}
	return name
}

// asset serves one embedded file under AssetsPath to anyone, signed in
// or not: the pages' stylesheet and script hold nothing private, and the
// refusal page needs the stylesheet. Whatever is not such a file is
// refused like a page without a session.
func (s *server) asset(w http.ResponseWriter, r *http.Request) {
	name := assetName(r.Method, r.URL.Path)
	if name == "" {
		s.deny(w, r, "", errNoAsset)
		return
	}
	http.ServeFileFS(w, r, assets, name)
}

// serveAsset is the pages' own handler of AssetsPath (Pages served
// without the sign-in layer, as in tests): the same files, 404 for
// anything else.
func serveAsset(w http.ResponseWriter, r *http.Request) {
	name := assetName(r.Method, r.URL.Path)
	if name == "" {
		http.NotFound(w, r)
		return
	}
	http.ServeFileFS(w, r, assets, name)
}
