package innobridge

import "testing"

func TestValidateUSCC(t *testing.T) {
	for _, tc := range []struct {
		name, code string
		ok         bool
	}{
		{"OK", "91350100M000100Y43", true}, // the worked example of GB 32100-2015
		{"OKFullWidthLower", NormalizeUSCC(" ９１３５０１００m０００１００y４３ "), true},
		{"ErrCheckChar", "91350100M000100Y44", false},
		{"ErrLength", "91350100M000100Y4", false},
		{"ErrAlphabet", "91350100M000100I43", false}, // I is not in the alphabet
		{"ErrProvince", "91990100M000100Y43", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := ValidateUSCC(tc.code)
			if (msg == "") != tc.ok {
				t.Errorf("ValidateUSCC(%q) = %q, want ok=%v", tc.code, msg, tc.ok)
			}
		})
	}
}

func TestUSCCCheckCharZero(t *testing.T) {
	// When the weighted sum is a multiple of 31 the check character is 0,
	// not the out-of-range 31.
	if c, _ := USCCCheckChar("00000000000000000"); c != '0' {
		t.Errorf("check char of all zeros = %c, want 0", c)
	}
	if _, ok := USCCCheckChar("0000000000000000I"); ok {
		t.Error("USCCCheckChar accepted I, which is not in the alphabet")
	}
}

func TestRegion(t *testing.T) {
	for _, tc := range []struct {
		code, name string
		ok         bool
	}{
		{"320506", "江苏省苏州市吴中区", true},
		{"320500", "江苏省苏州市", true},
		{"110105", "北京市", true},
		{"320000", "江苏省", true},
		{"990000", "", false},
		{"32050", "", false},
		{"32050a", "", false},
	} {
		if got := ValidateRegionCode(tc.code) == ""; got != tc.ok {
			t.Errorf("ValidateRegionCode(%q) ok = %v, want %v", tc.code, got, tc.ok)
		}
		if got := RegionName(tc.code); got != tc.name {
			t.Errorf("RegionName(%q) = %q, want %q", tc.code, got, tc.name)
		}
	}
}

func TestIndustryCode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"C3911", "C3911", true},
		{"3911", "C3911", true},
		{"ｃ39", "C39", true},
		{"M73", "M73", true},
		{"A3911", "", false}, // section letter does not match the division
		{"C98", "", false},   // no such division
		{"C", "", false},
		{"C39111", "", false},
	} {
		got, msg := NormalizeIndustryCode(tc.in)
		if (msg == "") != tc.ok || got != tc.want {
			t.Errorf("NormalizeIndustryCode(%q) = %q, %q; want %q ok=%v", tc.in, got, msg, tc.want, tc.ok)
		}
	}
	if n := len(Industries()); n != 97 {
		t.Errorf("GB/T 4754-2017 has 97 divisions, table has %d", n)
	}
	if got := IndustryName("C3911"); got != "制造业 / 计算机、通信和其他电子设备制造业" {
		t.Errorf("IndustryName = %q", got)
	}
}

func TestValidateListing(t *testing.T) {
	price := int64(-1)
	a := &Achievement{Listing: Listing{ExternalID: "A1", Title: "", Field: "新材料", Keywords: []string{" 石墨烯 ", ""}},
		TRL: 10, PriceYuan: &price, TransferModes: []Mode{"许可", "bogus"}}
	err := a.Validate()
	e, ok := err.(*Error)
	if !ok || e.Code != EINVALID {
		t.Fatalf("Validate() = %v, want EINVALID", err)
	}
	for _, f := range []string{"title", "trl", "price_yuan", "transfer_modes"} {
		if _, ok := e.Fields[f]; !ok {
			t.Errorf("no error for field %s in %v", f, e)
		}
	}
	if e.Record != "A1" {
		t.Errorf("Record = %q, want A1", e.Record)
	}
	if a.Field != "4" || a.TransferModes[0] != ModeLicense || len(a.Keywords) != 1 || a.Keywords[0] != "石墨烯" {
		t.Errorf("normalisation: field %q modes %v keywords %q", a.Field, a.TransferModes, a.Keywords)
	}

	d := &Demand{Listing: Listing{Title: "x"}, Confidentiality: ConfTeaser}
	if err := d.Validate(); err == nil || err.(*Error).Fields["teaser"].Code != "required" {
		t.Errorf("teaser demand without teaser: %v", err)
	}
}

func TestSearchPartsHideConfidential(t *testing.T) {
	d := &Demand{Listing: Listing{Title: "标题", Description: "绝密工艺参数", Teaser: "摘要"}, Confidentiality: ConfTeaser}
	for _, p := range d.SearchParts() {
		if p == d.Description {
			t.Fatal("a teaser demand's description is searchable")
		}
	}
}
