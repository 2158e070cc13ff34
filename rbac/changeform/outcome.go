package changeform

import "github.com/rpkit-vn/rpkit/rbac"

// Outcome is what became, or would become, of a row.
type Outcome string

// Outcomes. Their values are stable: APIs and reports carry them.
const (
	// Add: Plan found the person on Vnconnect under the form's name; Apply
	// will add them to the subsystem, pending activation (Chưa kích hoạt).
	Add Outcome = "add"
	// Added: Apply added them.
	Added Outcome = "added"
	// AlreadyPresent: the person is already on the subsystem (re-running
	// a form lands here, which makes it idempotent).
	AlreadyPresent Outcome = "already-present"
	// NotRegistered: no Vnconnect account holds the number. The letter
	// requires everyone to register at dangky.dichvucong.gov.vn first.
	NotRegistered Outcome = "not-registered"
	// NameMismatch: the account holding the number has another name.
	NameMismatch Outcome = "name-mismatch"
	// InvalidID: the ID column is not a CMND or CCCD.
	InvalidID Outcome = "invalid-id"
	// UnknownSubsystem: the subsystem column names no configured
	// subsystem, or names more than one.
	UnknownSubsystem Outcome = "unknown-subsystem"
	// Forbidden: the actor may not add people to that subsystem in that
	// unit, or may not act on that person (a peer or superior).
	Forbidden Outcome = "forbidden"
	// MissingName: the row has an ID but no name to check it against.
	MissingName Outcome = "missing-name"
	// Duplicate: an earlier row of the same form has the same person on
	// the same subsystem.
	Duplicate Outcome = "duplicate"
	// Ambiguous: several Vnconnect accounts hold the number.
	Ambiguous Outcome = "ambiguous"
	// Failed: Vnconnect or the store failed for this row; running the
	// form again retries it.
	Failed Outcome = "failed"
)

// Result is what became of one row.
type Result struct {
	Row
	// SubsystemID is the subsystem the row's text maps to.
	SubsystemID rbac.SubsystemID `json:"subsystem_id,omitempty"`
	// IDKind and IDNumber are the ID as understood (IDKindCCCD or
	// IDKindCMND, canonical digits); IDRepaired says leading zeros were
	// restored.
	IDKind     string `json:"id_kind,omitempty"`
	IDNumber   string `json:"id_number_normalized,omitempty"`
	IDRepaired bool   `json:"id_repaired,omitempty"`
	// TechID is the Vnconnect account found.
	TechID  string  `json:"tech_id,omitempty"`
	Outcome Outcome `json:"outcome"`
	// Detail is a short English explanation, safe to show to the admin.
	Detail string `json:"detail,omitempty"`
	// Rule names the delegation rule of a Forbidden outcome.
	Rule string `json:"rule,omitempty"`
}

// Report is the result of Plan or Apply.
type Report struct {
	DryRun  bool            `json:"dry_run"`
	Unit    rbac.UnitID     `json:"unit"`
	Results []Result        `json:"results"`
	Counts  map[Outcome]int `json:"counts"`
}

func (r *Report) count() {
	r.Counts = map[Outcome]int{}
	for _, x := range r.Results {
		r.Counts[x.Outcome]++
	}
}

// Progress reports how far Plan or Apply has got: Done rows of Total.
// Phase is "plan" or "apply".
type Progress struct {
	Phase       string
	Done, Total int
}
