package main

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

const deployDir = "../../deploy"

// knownEnv returns every environment variable the binary reads, found by
// running the real config code with a recording getenv.
func knownEnv(t *testing.T) map[string]bool {
	t.Helper()
	seen := map[string]bool{"STUDYBOT_CONFIG": true, "STUDYBOT_HTTP": true}
	rec := func(k string) string { seen[k] = true; return "" }
	var c Config
	if err := applyEnv(&c, rec); err != nil {
		t.Fatal(err)
	}
	return seen
}

// servedPaths starts a server without adapters and reports which of paths
// it serves (anything but 404).
func servedPaths(t *testing.T, paths ...string) map[string]bool {
	t.Helper()
	cfg := Config{DB: filepath.Join(t.TempDir(), "p.db"), HTTP: "127.0.0.1:0", Slack: SlackConfig{Mode: "socket"}}
	s, err := newServer(cfg, testBank(t), slog.New(slog.DiscardHandler), time.Now, serverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()
	defer func() { cancel(); <-done }()
	out := map[string]bool{}
	for _, p := range paths {
		code, _ := get(t, "http://"+s.listener.Addr().String()+p)
		out[p] = code != 404
	}
	return out
}

func decodeAll(t *testing.T, file string) []map[string]any {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var docs []map[string]any
	for {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			if err.Error() == "EOF" {
				return docs
			}
			t.Fatalf("%s: %v", file, err)
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
}

func m(v any) map[string]any { r, _ := v.(map[string]any); return r }
func l(v any) []any          { r, _ := v.([]any); return r }

func TestKubernetesManifestsMatchTheBinary(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(deployDir, "kubernetes", "*.yaml"))
	byKind := map[string]map[string]any{}
	for _, f := range files {
		for _, d := range decodeAll(t, f) {
			byKind[d["kind"].(string)] = d
		}
	}
	for _, k := range []string{"StatefulSet", "ConfigMap", "Secret", "Service"} {
		if byKind[k] == nil {
			t.Fatalf("no %s in deploy/kubernetes", k)
		}
	}
	// The ConfigMap's file is a valid config for this binary.
	cm := byKind["ConfigMap"]
	cfgText := m(cm["data"])["studybot.yaml"].(string)
	tmp := filepath.Join(t.TempDir(), "studybot.yaml")
	os.WriteFile(tmp, []byte(cfgText), 0o600)
	cfg, err := loadConfig(tmp, func(string) string { return "" })
	if err != nil {
		t.Fatalf("ConfigMap config: %v", err)
	}
	if err := cfg.validate(); err != nil {
		t.Fatalf("ConfigMap config: %v", err)
	}
	_, port, err := net.SplitHostPort(cfg.HTTP)
	if err != nil {
		t.Fatal(err)
	}

	ss := byKind["StatefulSet"]
	spec := m(ss["spec"])
	if spec["replicas"] != 1 {
		t.Errorf("replicas %v: bbolt is single-writer, want 1", spec["replicas"])
	}
	pod := m(m(spec["template"])["spec"])
	c := m(l(pod["containers"])[0])
	// --config points at the ConfigMap's key where it is mounted
	args := l(c["args"])
	if len(args) != 2 || args[0] != "--config" {
		t.Fatalf("args %v", args)
	}
	mounts := map[string]string{}
	for _, vm := range l(c["volumeMounts"]) {
		mounts[m(vm)["name"].(string)] = m(vm)["mountPath"].(string)
	}
	if path.Join(mounts["config"], "studybot.yaml") != args[1] {
		t.Errorf("config mounted at %s, --config %s", mounts["config"], args[1])
	}
	// the database and backups live on the persistent volume
	claims := l(spec["volumeClaimTemplates"])
	if len(claims) != 1 || m(m(claims[0])["metadata"])["name"] != "data" {
		t.Fatalf("volumeClaimTemplates %v", claims)
	}
	if path.Dir(cfg.DB) != mounts["data"] || !strings.HasPrefix(cfg.Backup.Dir, mounts["data"]) {
		t.Errorf("db %s / backups %s not under the data volume %s", cfg.DB, cfg.Backup.Dir, mounts["data"])
	}
	// ports and probes match what the binary serves
	ports := map[string]string{}
	for _, p := range l(c["ports"]) {
		ports[m(p)["name"].(string)] = strings.TrimSpace(strings.Trim(yamlString(m(p)["containerPort"]), "\""))
	}
	if ports["http"] != port {
		t.Errorf("containerPort %s, binary listens on %s", ports["http"], port)
	}
	var probePaths []string
	for _, probe := range []string{"livenessProbe", "readinessProbe"} {
		hg := m(m(c[probe])["httpGet"])
		if hg["port"] != "http" {
			t.Errorf("%s port %v", probe, hg["port"])
		}
		probePaths = append(probePaths, hg["path"].(string))
	}
	served := servedPaths(t, append(probePaths, "/metrics")...)
	for p, ok := range served {
		if !ok {
			t.Errorf("probe or scrape path %s is not served by the binary", p)
		}
	}
	// every env name is one the binary reads, every secret key exists
	known := knownEnv(t)
	secretKeys := m(byKind["Secret"]["stringData"])
	for _, e := range l(c["env"]) {
		name := m(e)["name"].(string)
		if !known[name] {
			t.Errorf("env %s is not read by studybot", name)
		}
		if ref := m(m(m(e)["valueFrom"])["secretKeyRef"]); ref != nil {
			if _, ok := secretKeys[ref["key"].(string)]; !ok {
				t.Errorf("secret key %v missing from secret.yaml", ref["key"])
			}
		}
	}
	svc := byKind["Service"]
	if tp := m(l(m(svc["spec"])["ports"])[0])["targetPort"]; tp != "http" {
		t.Errorf("service targetPort %v", tp)
	}
}

func yamlString(v any) string {
	b, _ := yaml.Marshal(v)
	return strings.TrimSpace(string(b))
}

func TestDockerfileAndCompose(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(deployDir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	if n := len(regexp.MustCompile(`(?m)^FROM `).FindAllString(df, -1)); n < 2 {
		t.Errorf("%d stages, want a multi-stage build", n)
	}
	for _, want := range []string{"CGO_ENABLED=0", "-X main.version=", "-X main.commit=", "USER nonroot", `VOLUME ["/data"]`,
		"STUDYBOT_DB=/data/studybot.db", "STUDYBOT_HTTP=:8080", `CMD ["/usr/local/bin/studybot", "healthcheck"]`, `ENTRYPOINT ["/usr/local/bin/studybot"]`, "./cmd/studybot"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	known := knownEnv(t)
	for _, e := range regexp.MustCompile(`STUDYBOT_[A-Z_]+`).FindAllString(df, -1) {
		if !known[e] {
			t.Errorf("Dockerfile sets %s, which studybot does not read", e)
		}
	}
	compose := decodeAll(t, filepath.Join(deployDir, "compose.yaml"))[0]
	svc := m(m(compose["services"])["studybot"])
	if l(svc["env_file"])[0] != "studybot.env" {
		t.Errorf("env_file %v", svc["env_file"])
	}
	if _, ok := m(compose["volumes"])["studybot-data"]; !ok {
		t.Error("no named volume")
	}
	if vol := l(svc["volumes"])[0].(string); vol != "studybot-data:/data" {
		t.Errorf("volume %s", vol)
	}
	for k := range m(svc["environment"]) {
		if !known[k] {
			t.Errorf("compose sets %s, which studybot does not read", k)
		}
	}
	if hc := l(m(svc["healthcheck"])["test"]); len(hc) < 3 || hc[2] != "healthcheck" {
		t.Errorf("compose healthcheck %v", hc)
	}
	// the env samples name only variables studybot reads
	for _, f := range []string{"studybot.env.example", "discord/studybot.env.example"} {
		fh, err := os.Open(filepath.Join(deployDir, f))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			k, _, _ := strings.Cut(line, "=")
			if !known[k] {
				t.Errorf("%s: %s is not read by studybot", f, k)
			}
		}
		fh.Close()
	}
}

func TestSystemdUnit(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(deployDir, "systemd", "studybot.service"))
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{"User=studybot", "StateDirectory=studybot", "EnvironmentFile=/etc/studybot/studybot.env",
		"NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "Restart=on-failure", "ExecStart=/usr/local/bin/studybot",
		"Environment=STUDYBOT_DB=/var/lib/studybot/studybot.db"} {
		if !strings.Contains(unit, want) {
			t.Errorf("unit lacks %s", want)
		}
	}
	known := knownEnv(t)
	for _, e := range regexp.MustCompile(`Environment=(STUDYBOT_[A-Z_]+)`).FindAllStringSubmatch(unit, -1) {
		if !known[e[1]] {
			t.Errorf("unit sets %s, which studybot does not read", e[1])
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed: skipping `systemd-analyze verify` (the unit's keys were checked above)")
	}
	// verify a copy whose binary and env file exist on this machine
	dir := t.TempDir()
	self, _ := os.Executable()
	env := filepath.Join(dir, "studybot.env")
	os.WriteFile(env, []byte("STUDYBOT_LANG=ja\n"), 0o600)
	unit = strings.ReplaceAll(unit, "/usr/local/bin/studybot", self)
	unit = strings.ReplaceAll(unit, "/etc/studybot/studybot.env", env)
	file := filepath.Join(dir, "studybot.service")
	os.WriteFile(file, []byte(unit), 0o644)
	out, err := exec.Command(analyze, "verify", file).CombinedOutput()
	var problems []string
	for _, line := range strings.Split(string(out), "\n") {
		// the host's own units may be noisy in a container; judge only ours
		if strings.Contains(line, "studybot.service") {
			problems = append(problems, line)
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, strings.Join(problems, "\n"))
	}
}
