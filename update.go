package innobridge

// Apply sets the fields of upd that are not nil on a.
func (a *Achievement) Apply(upd AchievementUpdate) {
	setStr(&a.Title, upd.Title)
	setStr(&a.Description, upd.Description)
	setStr(&a.Field, upd.Field)
	setStr(&a.Region, upd.Region)
	setStr(&a.SearchText, upd.SearchText)
	if upd.Keywords != nil {
		a.Keywords = append([]string(nil), (*upd.Keywords)...)
	}
	if upd.Status != nil {
		a.Status = *upd.Status
	}
	if upd.ExpiresAt != nil {
		a.ExpiresAt = *upd.ExpiresAt
	}
	if upd.TRL != nil {
		a.TRL = *upd.TRL
	}
	if upd.IPType != nil {
		a.IPType = *upd.IPType
	}
	if upd.IPNumbers != nil {
		a.IPNumbers = append([]string(nil), (*upd.IPNumbers)...)
	}
	if upd.TransferModes != nil {
		a.TransferModes = append([]Mode(nil), (*upd.TransferModes)...)
	}
	if upd.PriceYuan != nil {
		a.PriceYuan = *upd.PriceYuan
	}
	if upd.Negotiable != nil {
		a.Negotiable = *upd.Negotiable
	}
}

// Apply sets the fields of upd that are not nil on d.
func (d *Demand) Apply(upd DemandUpdate) {
	setStr(&d.Title, upd.Title)
	setStr(&d.Description, upd.Description)
	setStr(&d.Teaser, upd.Teaser)
	setStr(&d.Field, upd.Field)
	setStr(&d.Region, upd.Region)
	setStr(&d.SearchText, upd.SearchText)
	if upd.Keywords != nil {
		d.Keywords = append([]string(nil), (*upd.Keywords)...)
	}
	if upd.Status != nil {
		d.Status = *upd.Status
	}
	if upd.ExpiresAt != nil {
		d.ExpiresAt = *upd.ExpiresAt
	}
	if upd.BudgetMinYuan != nil {
		d.BudgetMinYuan = *upd.BudgetMinYuan
	}
	if upd.BudgetMaxYuan != nil {
		d.BudgetMaxYuan = *upd.BudgetMaxYuan
	}
	if upd.Deadline != nil {
		d.Deadline = *upd.Deadline
	}
	if upd.CoopModes != nil {
		d.CoopModes = append([]Mode(nil), (*upd.CoopModes)...)
	}
	if upd.TRLMin != nil {
		d.TRLMin = *upd.TRLMin
	}
	if upd.Confidentiality != nil {
		d.Confidentiality = *upd.Confidentiality
	}
}

// Apply sets the fields of upd that are not nil on o.
func (o *Organization) Apply(upd OrganizationUpdate) {
	setStr(&o.Name, upd.Name)
	setStr(&o.Region, upd.Region)
	setStr(&o.Industry, upd.Industry)
	setStr(&o.Address, upd.Address)
	setStr(&o.Contact, upd.Contact)
	setStr(&o.Phone, upd.Phone)
	setStr(&o.Email, upd.Email)
	setStr(&o.Website, upd.Website)
	setStr(&o.Intro, upd.Intro)
}

func setStr(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

// SearchParts returns the texts a listing's full-text search covers. For a
// demand that is not public only what every reader may see is covered, so
// search cannot reveal hidden text.
func (d *Demand) SearchParts() []string {
	field := ""
	if f, ok := TechFieldByCode(d.Field); ok {
		field = f.Name
	}
	if d.Confidentiality != ConfPublic {
		return []string{d.Title, d.Teaser, field}
	}
	parts := []string{d.Title, d.Teaser, field, d.Description}
	return append(parts, d.Keywords...)
}

// SearchParts returns the texts an achievement's full-text search covers.
func (a *Achievement) SearchParts() []string {
	field := ""
	if f, ok := TechFieldByCode(a.Field); ok {
		field = f.Name
	}
	parts := []string{a.Title, field, a.Description}
	return append(parts, a.Keywords...)
}
