package spapi

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeSecretFile replaces path's content with secret and a newline,
// atomically: the secret goes to a temporary file (mode 0600) in the same
// directory, is synced, and renamed over path, so a reader (the engine's
// ${file:...}, another process) sees the old secret or the new one, never
// a part. Errors name the path, never the secret.
func writeSecretFile(path, secret string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing the client secret to %s: %w", path, pathErr(err))
	}
	name := tmp.Name()
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(name)
		return fmt.Errorf("writing the client secret to %s: %w", path, pathErr(err))
	}
	if err := tmp.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := tmp.WriteString(secret + "\n"); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(name, path); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("writing the client secret to %s: %w", path, pathErr(err))
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// readSecretFile returns the secret in path the way ${file:...} reads it
// (trailing line breaks dropped).
func readSecretFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the client secret from %s: %w", path, pathErr(err))
	}
	return strings.TrimRight(string(data), "\r\n"), nil
}

// pathErr drops the path from an *os.PathError (the caller names it).
func pathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	if le, ok := err.(*os.LinkError); ok {
		return le.Err
	}
	return err
}
