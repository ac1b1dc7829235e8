package policy

import "embed"

var localFS embed.FS

type LocalPolicy struct{}

func (c *Catalog) loadPolicies(fsys embed.FS, dir string) error { return nil }
