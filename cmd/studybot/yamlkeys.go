package main

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var reYAMLLine = regexp.MustCompile(`line ([0-9]+): `)

// nameYAMLKeys rewrites the "line N: …" parts of a YAML decoding error of
// src as "line N: key.path: …", naming the setting each concerns (yaml.v3
// names only the line and the Go type). err is returned as is when src
// cannot be read as a YAML tree.
func nameYAMLKeys(src []byte, err error) error {
	keys, _, ok := yamlKeys(src)
	if !ok {
		return err
	}
	msg := reYAMLLine.ReplaceAllStringFunc(err.Error(), func(m string) string {
		n, _ := strconv.Atoi(reYAMLLine.FindStringSubmatch(m)[1])
		if k, ok := keys[n]; ok {
			return m + k + ": "
		}
		return m
	})
	return errors.New(msg)
}

// yamlKeyLines maps each key path of src ("slack.mode") to its line (nil
// when src is not YAML).
func yamlKeyLines(src []byte) map[string]int {
	_, lines, _ := yamlKeys(src)
	return lines
}

// yamlKeys reads src as a YAML tree and returns the key path of each line
// and the line of each key path; ok is false when src is not YAML.
func yamlKeys(src []byte) (keys map[int]string, lines map[string]int, ok bool) {
	var root yaml.Node
	if yaml.Unmarshal(src, &root) != nil {
		return nil, nil, false
	}
	keys, lines = map[int]string{}, map[string]int{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				if _, ok := keys[c.Line]; !ok && path != "" {
					keys[c.Line] = path
				}
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				keys[k.Line] = p
				if _, dup := lines[p]; !dup {
					lines[p] = k.Line
				}
				keys[v.Line] = p // a nested mapping's own keys, walked next, win their lines
				walk(v, p)
			}
		}
	}
	walk(&root, "")
	return keys, lines, true
}

// withLines appends " (FILE line N)" to each line of err that starts with
// a key the config file set ("close_after 1m0s: …"), unless an
// environment variable (STUDYBOT_CLOSE_AFTER) or a command-line flag
// (flags, by name) overrode it. err is returned as is when nothing is
// added.
func (c Config) withLines(err error, getenv env, flags map[string]bool) error {
	if err == nil || len(c.keyLines) == 0 {
		return err
	}
	msgs := strings.Split(err.Error(), "\n")
	added := false
	for i, m := range msgs {
		best := ""
		for k := range c.keyLines {
			if len(k) > len(best) && strings.HasPrefix(m, k) && len(m) > len(k) && (m[len(k)] == ' ' || m[len(k)] == ':') {
				best = k
			}
		}
		env := "STUDYBOT_" + strings.ToUpper(strings.ReplaceAll(best, ".", "_"))
		if best == "" || flags[best] || getenv(env) != "" || getenv(env+"_FILE") != "" {
			continue
		}
		msgs[i] = fmt.Sprintf("%s (%s line %d)", m, c.file, c.keyLines[best])
		added = true
	}
	if !added {
		return err
	}
	return errors.New(strings.Join(msgs, "\n"))
}
