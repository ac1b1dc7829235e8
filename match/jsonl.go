package match

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/innobridge/innobridge"
)

// ReadAchievements decodes achievements in the import schema, one JSON
// object per line; blank lines are skipped.
func ReadAchievements(r io.Reader) ([]*innobridge.Achievement, error) {
	var out []*innobridge.Achievement
	err := StreamAchievements(r, 0, func(as []*innobridge.Achievement) error {
		out = as
		return nil
	})
	return out, err
}

// StreamAchievements decodes achievements as ReadAchievements does and
// hands them to f in batches of at most batch (all at once if batch ≤ 0),
// in file order, so that a caller indexing a large file need not hold it
// all decoded. A batch is f's to keep. Decoding stops at the first bad
// line or error of f.
func StreamAchievements(r io.Reader, batch int, f func([]*innobridge.Achievement) error) error {
	var out []*innobridge.Achievement
	err := readLines(r, func(line int, b []byte) error {
		a := new(innobridge.Achievement)
		if err := json.Unmarshal(b, a); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if a.ExternalID == "" {
			return fmt.Errorf("line %d: id is required", line)
		}
		out = append(out, a)
		if len(out) == batch {
			err := f(out)
			out = make([]*innobridge.Achievement, 0, batch)
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(out) > 0 || batch <= 0 {
		return f(out)
	}
	return nil
}

// ReadDemands decodes demands, one JSON object per line.
func ReadDemands(r io.Reader) ([]*innobridge.Demand, error) {
	var out []*innobridge.Demand
	err := readLines(r, func(line int, b []byte) error {
		d := new(innobridge.Demand)
		if err := json.Unmarshal(b, d); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if d.ExternalID == "" {
			return fmt.Errorf("line %d: id is required", line)
		}
		if f, ok := innobridge.TechFieldByName(d.Field); ok {
			d.Field = f.Code
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

func readLines(r io.Reader, f func(line int, b []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		if err := f(n, b); err != nil {
			return err
		}
	}
	return sc.Err()
}
