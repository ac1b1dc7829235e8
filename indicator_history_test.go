package innobridge

import (
	"testing"
)

func TestAsRecorded(t *testing.T) {
	d := func(s string) Date {
		x, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	before := &EnterpriseIndicators{OrgID: 1,
		Years:   []YearFigures{{Year: 2024, Staff: 10, RDExpense: 100}},
		Profile: EnterpriseProfile{IP: IPHoldings{InventionPatents: 1}, Recognitions: []Recognition{{Kind: RecTechSME, Number: "A1", Granted: d("2024-05-01")}}}}
	after := &EnterpriseIndicators{OrgID: 1,
		Years: []YearFigures{{Year: 2024, Staff: 12, RDExpense: 100}, {Year: 2025, Staff: 20, RDExpense: 300}},
		Profile: EnterpriseProfile{IP: IPHoldings{InventionPatents: 3}, HighTechField: "1", Recognitions: []Recognition{
			{Kind: RecTechSME, Number: "A1", Granted: d("2024-05-01")}, {Kind: RecHighTech, Number: "GR1", Granted: d("2025-12-01")}}}}
	// The changes the store would have recorded between the two.
	var changes []*IndicatorChange
	id := int64(1)
	add := func(year int, list []*IndicatorChange) {
		for _, c := range list {
			c.ID, c.Year = id, year
			id++
			changes = append(changes, c)
		}
	}
	c, _ := DiffFields(&before.Years[0], &after.Years[0])
	add(2024, c)
	c, _ = DiffFields(nil, &after.Years[1])
	add(2025, c)
	c, _ = DiffFields(&before.Profile, &after.Profile)
	add(0, c)

	got, err := after.AsRecorded(changes)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Years) != 1 || got.Years[0] != before.Years[0] {
		t.Errorf("years %+v, want %+v", got.Years, before.Years)
	}
	if got.Profile.IP.InventionPatents != 1 || got.Profile.HighTechField != "" || len(got.Profile.Recognitions) != 1 || got.Profile.Recognitions[0].Number != "A1" {
		t.Errorf("profile %+v, want %+v", got.Profile, before.Profile)
	}
	// No changes: the same indicators.
	same, err := after.AsRecorded(nil)
	if err != nil || len(same.Years) != 2 || len(same.Profile.Recognitions) != 2 {
		t.Errorf("AsRecorded(nil) = %+v, %v", same, err)
	}
}
