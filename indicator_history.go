package innobridge

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// AsRecorded returns e as it stood before changes were made: changes are
// the changes recorded after that moment, for e's organisation, in any
// order; each field is set back to its old value, newest change first.
// Years that did not exist then are dropped, and so are list entries
// (recognitions, awards, …) added since. It is how an earlier evaluation is
// reproduced from the history.
func (e *EnterpriseIndicators) AsRecorded(changes []*IndicatorChange) (*EnterpriseIndicators, error) {
	years := map[int]any{}
	var order []int
	for i := range e.Years {
		t, err := toTree(&e.Years[i])
		if err != nil {
			return nil, err
		}
		years[e.Years[i].Year] = t
		order = append(order, e.Years[i].Year)
	}
	profile, err := toTree(&e.Profile)
	if err != nil {
		return nil, err
	}
	sorted := append([]*IndicatorChange(nil), changes...)
	// newest first: by id, which grows with time
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j].ID > sorted[j-1].ID; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	for _, c := range sorted {
		var old any
		if err := json.Unmarshal([]byte(c.Old), &old); err != nil {
			return nil, fmt.Errorf("change %d: old value %q: %w", c.ID, c.Old, err)
		}
		if c.Year == 0 {
			if profile, err = setPath(profile, splitPath(c.Field), old); err != nil {
				return nil, fmt.Errorf("change %d: %w", c.ID, err)
			}
			continue
		}
		t, ok := years[c.Year]
		if !ok {
			t = map[string]any{"year": float64(0)}
			order = append(order, c.Year)
		}
		if years[c.Year], err = setPath(t, splitPath(c.Field), old); err != nil {
			return nil, fmt.Errorf("change %d: %w", c.ID, err)
		}
	}
	out := &EnterpriseIndicators{OrgID: e.OrgID}
	for _, y := range order {
		var f YearFigures
		if err := fromTree(years[y], &f); err != nil {
			return nil, err
		}
		if f.Year != 0 {
			out.Years = append(out.Years, f)
		}
	}
	for i := 1; i < len(out.Years); i++ {
		for j := i; j > 0 && out.Years[j].Year < out.Years[j-1].Year; j-- {
			out.Years[j], out.Years[j-1] = out.Years[j-1], out.Years[j]
		}
	}
	if err := fromTree(prune(profile), &out.Profile); err != nil {
		return nil, err
	}
	return out, nil
}

func toTree(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var t any
	return t, json.Unmarshal(b, &t)
}

func fromTree(t any, v any) error {
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// splitPath turns "recognitions[1].number" into "recognitions", 1, "number".
func splitPath(p string) []any {
	var out []any
	for _, part := range strings.Split(p, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			out = append(out, name)
		}
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			n, _ := strconv.Atoi(idx)
			out = append(out, n)
			_, rest, _ = strings.Cut(after, "[")
		}
	}
	return out
}

// setPath sets the value at path in tree, creating maps and growing lists
// on the way, and returns the tree.
func setPath(tree any, path []any, v any) (any, error) {
	if len(path) == 0 {
		return v, nil
	}
	switch k := path[0].(type) {
	case string:
		m, ok := tree.(map[string]any)
		if !ok {
			m = map[string]any{}
		}
		child, err := setPath(m[k], path[1:], v)
		if err != nil {
			return nil, err
		}
		m[k] = child
		return m, nil
	case int:
		l, _ := tree.([]any)
		if k < 0 || k > 10000 {
			return nil, fmt.Errorf("list index %d out of range", k)
		}
		for len(l) <= k {
			l = append(l, nil)
		}
		child, err := setPath(l[k], path[1:], v)
		if err != nil {
			return nil, err
		}
		l[k] = child
		return l, nil
	}
	return nil, fmt.Errorf("bad path element %v", path[0])
}

// prune drops list entries whose every value is zero (entries added after
// the moment being restored) and zero-valued dates.
func prune(t any) any {
	switch t := t.(type) {
	case map[string]any:
		for k, v := range t {
			v = prune(v)
			if s, ok := v.(string); ok && s == "" {
				delete(t, k) // "" for a date would not parse; absent is the zero value
				continue
			}
			t[k] = v
		}
		return t
	case []any:
		out := t[:0]
		for _, v := range t {
			v = prune(v)
			if !isZeroTree(v) {
				out = append(out, v)
			}
		}
		return out
	}
	return t
}

func isZeroTree(t any) bool {
	switch t := t.(type) {
	case nil:
		return true
	case map[string]any:
		for _, v := range t {
			if !isZeroTree(v) {
				return false
			}
		}
		return true
	case []any:
		return len(t) == 0
	case string:
		return t == ""
	case float64:
		return t == 0
	case bool:
		return !t
	}
	return false
}
