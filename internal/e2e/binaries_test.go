package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// The real binaries, built once per test run when a test first needs them.
var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func TestMain(m *testing.M) {
	// The processes benchmark runs this binary as the bare services.
	if role := os.Getenv(bareRoleEnv); role != "" {
		os.Exit(runBare(role))
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binaries builds the three services and returns the folder they are in.
func binaries(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "oauthtime-bin-")
		if buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", binDir+string(os.PathSeparator),
			"oauthtime/authserver", "oauthtime/resourceserver", "oauthtime/webapp").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}
