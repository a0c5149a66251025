package main

import (
	"fmt"
	"net"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// TestShardedKubernetesManifestsMatchTheBinary decodes
// deploy/kubernetes/sharded and checks it against the binary: every pod
// of the StatefulSet, named by its ordinal, loads a valid config whose
// Discord shard is its ordinal of replicas; each has its own volume for
// its database; probes, ports, environment names and secret keys are ones
// the binary serves and reads; nothing the binary refuses with shards
// (Slack, the HTTP interactions endpoint) is set.
func TestShardedKubernetesManifestsMatchTheBinary(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(deployDir, "kubernetes", "sharded", "*.yaml"))
	byKind := map[string]map[string]any{}
	for _, f := range files {
		for _, d := range decodeAll(t, f) {
			byKind[d["kind"].(string)] = d
		}
	}
	for _, k := range []string{"StatefulSet", "ConfigMap", "Secret", "Service"} {
		if byKind[k] == nil {
			t.Fatalf("no %s in deploy/kubernetes/sharded", k)
		}
	}
	ss, cm, svc := byKind["StatefulSet"], byKind["ConfigMap"], byKind["Service"]
	spec := m(ss["spec"])
	replicas, _ := spec["replicas"].(int)
	if replicas < 2 {
		t.Fatalf("replicas %v: a sharded variant runs at least two shards", spec["replicas"])
	}
	name := m(ss["metadata"])["name"].(string)
	pod := m(m(spec["template"])["spec"])
	c := m(l(pod["containers"])[0])

	// the pod's environment as Kubernetes gives it: literal values, the
	// Downward API's pod name, secrets (filled in here)
	known := knownEnv(t)
	secretKeys := m(byKind["Secret"]["stringData"])
	literal := map[string]string{}
	podNameVar := ""
	for _, e := range l(c["env"]) {
		en := m(e)["name"].(string)
		if !known[en] {
			t.Errorf("env %s is not read by studybot", en)
		}
		if strings.HasPrefix(en, "STUDYBOT_SLACK_") || en == "STUDYBOT_DISCORD_PUBLIC_KEY" {
			t.Errorf("env %s: a sharded process refuses Slack and the HTTP interactions endpoint", en)
		}
		vf := m(m(e)["valueFrom"])
		switch {
		case m(e)["value"] != nil:
			literal[en] = fmt.Sprint(m(e)["value"])
		case m(vf["fieldRef"])["fieldPath"] == "metadata.name":
			podNameVar = en
		case vf["secretKeyRef"] != nil:
			ref := m(vf["secretKeyRef"])
			if _, ok := secretKeys[ref["key"].(string)]; !ok {
				t.Errorf("secret key %v missing from sharded/secret.yaml", ref["key"])
			}
			if ref["name"] != m(byKind["Secret"]["metadata"])["name"] {
				t.Errorf("env %s: secret %v, want the sharded variant's", en, ref["name"])
			}
			literal[en] = "from-secret"
		}
	}
	if podNameVar != "STUDYBOT_POD_NAME" {
		t.Errorf("the pod name reaches the binary as %q, want STUDYBOT_POD_NAME (fieldRef metadata.name)", podNameVar)
	}
	cfgText := m(cm["data"])["studybot.yaml"].(string)
	cfgFile := filepath.Join(t.TempDir(), "studybot.yaml")
	os.WriteFile(cfgFile, []byte(cfgText), 0o600)
	load := func(ordinal int) (Config, error) {
		env := func(k string) string {
			if k == podNameVar {
				return fmt.Sprintf("%s-%d", name, ordinal)
			}
			return literal[k]
		}
		cfg, err := loadConfig(cfgFile, env)
		if err != nil {
			return cfg, err
		}
		return cfg, cfg.validate()
	}
	var cfg Config
	for i := 0; i < replicas; i++ {
		got, err := load(i)
		if err != nil {
			t.Fatalf("pod %s-%d: %v", name, i, err)
		}
		if id, n, _ := got.Discord.shard(); !got.discordEnabled() || id != i || n != replicas {
			t.Errorf("pod %s-%d runs Discord shard %d/%d (enabled %v), want %d/%d", name, i, id, n, got.discordEnabled(), i, replicas)
		}
		if got.slackEnabled() {
			t.Errorf("pod %s-%d would serve Slack", name, i)
		}
		cfg = got
	}
	if _, err := load(replicas); err == nil {
		t.Errorf("a pod beyond the shard count (%s-%d) would start", name, replicas)
	}

	// one volume per pod, holding the database and backups
	claims := l(spec["volumeClaimTemplates"])
	if len(claims) != 1 || m(m(claims[0])["metadata"])["name"] != "data" {
		t.Fatalf("volumeClaimTemplates %v: want one, data", claims)
	}
	mounts := map[string]string{}
	for _, vm := range l(c["volumeMounts"]) {
		mounts[m(vm)["name"].(string)] = m(vm)["mountPath"].(string)
	}
	if path.Dir(cfg.DB) != mounts["data"] || !strings.HasPrefix(cfg.Backup.Dir, mounts["data"]) {
		t.Errorf("db %s / backups %s not under the pod's own volume %s", cfg.DB, cfg.Backup.Dir, mounts["data"])
	}
	for _, v := range l(pod["volumes"]) {
		if m(v)["persistentVolumeClaim"] != nil {
			t.Errorf("volume %v is one claim shared by every shard; the data volume comes from volumeClaimTemplates", m(v)["name"])
		}
	}
	args := l(c["args"])
	if len(args) != 2 || args[0] != "--config" || path.Join(mounts["config"], "studybot.yaml") != args[1] {
		t.Errorf("args %v, config mounted at %s", args, mounts["config"])
	}
	if cmName := m(m(l(pod["volumes"])[0])["configMap"])["name"]; cmName != m(cm["metadata"])["name"] {
		t.Errorf("config volume from ConfigMap %v, want the sharded variant's", cmName)
	}

	// ports and probes match what the binary serves
	_, port, err := net.SplitHostPort(cfg.HTTP)
	if err != nil {
		t.Fatal(err)
	}
	if p := m(l(c["ports"])[0]); p["name"] != "http" || fmt.Sprint(p["containerPort"]) != port {
		t.Errorf("container port %v, binary listens on %s", p, port)
	}
	var probePaths []string
	for _, probe := range []string{"livenessProbe", "readinessProbe"} {
		probePaths = append(probePaths, m(m(c[probe])["httpGet"])["path"].(string))
	}
	for p, ok := range servedPaths(t, append(probePaths, "/metrics")...) {
		if !ok {
			t.Errorf("probe or scrape path %s is not served by the binary", p)
		}
	}

	// shards start one after the other (Discord's IDENTIFY rate limit),
	// under a headless Service that selects exactly these pods
	if spec["podManagementPolicy"] != "OrderedReady" {
		t.Errorf("podManagementPolicy %v, want OrderedReady", spec["podManagementPolicy"])
	}
	if spec["serviceName"] != m(svc["metadata"])["name"] || m(svc["spec"])["clusterIP"] != "None" {
		t.Errorf("serviceName %v, Service %v (clusterIP %v): want the headless Service", spec["serviceName"], m(svc["metadata"])["name"], m(svc["spec"])["clusterIP"])
	}
	podLabels := m(m(m(spec["template"])["metadata"])["labels"])
	for k, v := range m(m(svc["spec"])["selector"]) {
		if podLabels[k] != v {
			t.Errorf("Service selects %s=%v, pods have %v", k, v, podLabels[k])
		}
	}
	if fmt.Sprint(m(m(spec["selector"])["matchLabels"])) == "map[app.kubernetes.io/name:studybot]" {
		t.Error("the sharded StatefulSet selects the unsharded variant's pods too")
	}
	if tp := m(l(m(svc["spec"])["ports"])[0])["targetPort"]; tp != "http" {
		t.Errorf("service targetPort %v", tp)
	}
}
