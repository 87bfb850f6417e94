package client

import (
	"fmt"
	"runtime"
	"strings"
)

// UserAgent builds the user-agent Amazon requires:
// "AppName/Version (Language=Go/1.26.1; Platform=linux/amd64)". The Language
// attribute is mandatory; app and version default to pipewright/dev.
func UserAgent(app, version string) string {
	if app == "" {
		app = "pipewright"
	}
	if version == "" {
		version = "dev"
	}
	return fmt.Sprintf("%s/%s (Language=Go/%s; Platform=%s/%s)", app, version,
		strings.TrimPrefix(runtime.Version(), "go"), runtime.GOOS, runtime.GOARCH)
}
