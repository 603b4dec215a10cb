package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// TestKubernetesDeployments checks the Deployments as a Kubernetes API
// server holds them (kubectl get deploy -o json, in KUBE_DEPLOYMENTS_JSON;
// the ConfigMaps, for the drains, in KUBE_CONFIGMAPS_JSON): every container
// has both probes, the restricted security context, requests and a memory
// limit; every Pod a grace period longer than its drain and in-flight
// grace, and no service account token. .ci/kube-smoke runs it on a real
// cluster; without the file it is skipped.
func TestKubernetesDeployments(t *testing.T) {
	path := os.Getenv("KUBE_DEPLOYMENTS_JSON")
	if path == "" {
		t.Skip("set KUBE_DEPLOYMENTS_JSON to the output of kubectl get deploy -o json")
	}
	type probe struct {
		HTTPGet *struct{ Path string } `json:"httpGet"`
	}
	var list struct {
		Items []struct {
			Metadata struct{ Name string }
			Spec     struct {
				Template struct {
					Spec struct {
						AutomountServiceAccountToken  *bool `json:"automountServiceAccountToken"`
						TerminationGracePeriodSeconds int64 `json:"terminationGracePeriodSeconds"`
						SecurityContext               struct {
							RunAsNonRoot   *bool  `json:"runAsNonRoot"`
							RunAsUser      *int64 `json:"runAsUser"`
							RunAsGroup     *int64 `json:"runAsGroup"`
							SeccompProfile *struct {
								Type string
							} `json:"seccompProfile"`
						} `json:"securityContext"`
						Containers []struct {
							Name            string
							LivenessProbe   *probe `json:"livenessProbe"`
							ReadinessProbe  *probe `json:"readinessProbe"`
							SecurityContext struct {
								AllowPrivilegeEscalation *bool `json:"allowPrivilegeEscalation"`
								ReadOnlyRootFilesystem   *bool `json:"readOnlyRootFilesystem"`
								Capabilities             struct{ Drop []string }
							} `json:"securityContext"`
							Resources struct {
								Requests map[string]string
								Limits   map[string]string
							}
						}
					}
				}
			}
		}
	}
	readJSON(t, path, &list)
	drain := map[string]time.Duration{} // by setting, from the ConfigMaps
	if p := os.Getenv("KUBE_CONFIGMAPS_JSON"); p != "" {
		var cms struct {
			Items []struct{ Data map[string]string }
		}
		readJSON(t, p, &cms)
		for _, cm := range cms.Items {
			for k, v := range cm.Data {
				if strings.HasSuffix(k, "_DRAIN") {
					d, err := time.ParseDuration(v)
					if err != nil {
						t.Fatalf("%s=%q: %v", k, v, err)
					}
					drain[k] = d
				}
			}
		}
	}
	prefix := map[string]string{"authserver": "AUTH", "resourceserver": "RESOURCE", "webapp": "WEBAPP"}
	if len(list.Items) != 3 {
		t.Fatalf("%d Deployments, want the three services", len(list.Items))
	}
	for _, d := range list.Items {
		name, pod := d.Metadata.Name, d.Spec.Template.Spec
		if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
			t.Errorf("%s: automountServiceAccountToken is not false", name)
		}
		dr, ok := drain[prefix[name]+"_DRAIN"]
		if !ok {
			dr = 2 * time.Second // the services' default
		}
		if min := dr + 10*time.Second; time.Duration(pod.TerminationGracePeriodSeconds)*time.Second <= min {
			t.Errorf("%s: terminationGracePeriodSeconds %d, want more than the drain and the 10 s in-flight grace (%v)", name, pod.TerminationGracePeriodSeconds, min)
		}
		sc := pod.SecurityContext
		if sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser != 65532 || sc.RunAsGroup == nil || *sc.RunAsGroup != 65532 ||
			sc.SeccompProfile == nil || sc.SeccompProfile.Type != "RuntimeDefault" {
			t.Errorf("%s: pod security context %+v, want non-root 65532:65532 and the RuntimeDefault seccomp profile", name, sc)
		}
		if len(pod.Containers) == 0 {
			t.Errorf("%s: no container", name)
		}
		for _, c := range pod.Containers {
			where := name + "/" + c.Name
			if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/livez" {
				t.Errorf("%s: liveness probe is not GET /livez", where)
			}
			if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
				t.Errorf("%s: readiness probe is not GET /readyz", where)
			}
			cs := c.SecurityContext
			if cs.AllowPrivilegeEscalation == nil || *cs.AllowPrivilegeEscalation || cs.ReadOnlyRootFilesystem == nil || !*cs.ReadOnlyRootFilesystem ||
				len(cs.Capabilities.Drop) != 1 || cs.Capabilities.Drop[0] != "ALL" {
				t.Errorf("%s: container security context %+v, want no privilege escalation, a read-only root, all capabilities dropped", where, cs)
			}
			if c.Resources.Requests["cpu"] == "" || c.Resources.Requests["memory"] == "" || c.Resources.Limits["memory"] == "" {
				t.Errorf("%s: resources %+v, want cpu and memory requests and a memory limit", where, c.Resources)
			}
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
