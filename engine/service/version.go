package service

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipewright/pipewright/engine/config"
)

// Version returns the version of a loaded pipeline directory: a hash of the
// path (relative to the directory) and content of every file read to load
// it (config.Project.Files), so engines running the same configuration
// report the same version. Files the configuration does not read (input
// files a file source picks up, READMEs) do not count.
func Version(p *config.Project) (string, error) {
	h := sha256.New()
	if err := hashFiles(h, p.Dir, p.Files); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func hashFiles(h hash.Hash, dir string, files []string) error {
	for _, path := range files {
		data, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			data = nil // removed since: hashes differently from any content
		case err != nil:
			return fmt.Errorf("reading %s: %w", path, err)
		}
		name := path
		if rel, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(rel, "..") {
			name = filepath.ToSlash(rel)
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(h, "%s\x00%t\x00%x\x00", name, data != nil, sum)
	}
	return nil
}

// watchState fingerprints what a reload would read: the content of the
// files the running version read, and the names in the directories the
// loader scans (the directory itself, tables/ and tests/), where a new
// pipeline, table or test file appears.
func watchState(p *config.Project) (string, error) {
	h := sha256.New()
	if err := hashFiles(h, p.Dir, p.Files); err != nil {
		return "", err
	}
	scanned := []struct {
		dir  string
		exts []string
	}{
		{p.Dir, []string{".yaml", ".yml"}},
		{filepath.Join(p.Dir, config.TablesDir), []string{".csv", ".yaml", ".yml"}},
		{filepath.Join(p.Dir, config.TestsDir), []string{".yaml", ".yml"}},
	}
	for _, sc := range scanned {
		entries, err := os.ReadDir(sc.dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		for _, e := range entries {
			if !e.IsDir() && slices.Contains(sc.exts, filepath.Ext(e.Name())) {
				fmt.Fprintf(h, "%s/%s\x00", sc.dir, e.Name())
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
