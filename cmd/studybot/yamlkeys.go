package main

import (
	"errors"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

var reYAMLLine = regexp.MustCompile(`line ([0-9]+): `)

// nameYAMLKeys rewrites the "line N: …" parts of a YAML decoding error of
// src as "line N: key.path: …", naming the setting each concerns (yaml.v3
// names only the line and the Go type). err is returned as is when src
// cannot be read as a YAML tree.
func nameYAMLKeys(src []byte, err error) error {
	var root yaml.Node
	if yaml.Unmarshal(src, &root) != nil {
		return err
	}
	keys := map[int]string{}
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
				keys[v.Line] = p // a nested mapping's own keys, walked next, win their lines
				walk(v, p)
			}
		}
	}
	walk(&root, "")
	msg := reYAMLLine.ReplaceAllStringFunc(err.Error(), func(m string) string {
		n, _ := strconv.Atoi(reYAMLLine.FindStringSubmatch(m)[1])
		if k, ok := keys[n]; ok {
			return m + k + ": "
		}
		return m
	})
	return errors.New(msg)
}
