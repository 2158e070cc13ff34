package vnconnect

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseCompactDate(t *testing.T) {
	tests := []struct {
		in   string
		want CivilDate
		ok   bool
	}{
		{"19910823", CivilDate{1991, time.August, 23}, true},
		{"20000229", CivilDate{2000, time.February, 29}, true}, // leap year
		{"19000101", CivilDate{1900, time.January, 1}, true},
		{"19000229", CivilDate{}, false}, // 1900 is not a leap year
		{"19910231", CivilDate{}, false},
		{"19910001", CivilDate{}, false},
		{"19910100", CivilDate{}, false},
		{"18991231", CivilDate{}, false},
		{"1991823", CivilDate{}, false},
		{"1991-8-23", CivilDate{}, false},
		{"１９９１０８２３", CivilDate{}, false}, // full-width digits
		{"", CivilDate{}, false},
	}
	for _, tt := range tests {
		got, err := parseCompactDate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseCompactDate(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestCivilDate(t *testing.T) {
	d := CivilDate{1991, time.August, 23}
	if d.String() != "1991-08-23" || (CivilDate{}).String() != "" || d.IsZero() || !(CivilDate{}).IsZero() {
		t.Errorf("String/IsZero: %q", d.String())
	}
	hcm := time.FixedZone("ICT", 7*3600)
	if got := d.In(hcm); got.Format(time.RFC3339) != "1991-08-23T00:00:00+07:00" {
		t.Errorf("In = %v", got)
	}
	if got := d.In(nil); !got.Equal(time.Date(1991, 8, 23, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("In(nil) = %v", got)
	}
	for _, tt := range []struct {
		on   time.Time
		want int
	}{
		{time.Date(2025, 8, 22, 23, 0, 0, 0, hcm), 33},
		{time.Date(2025, 8, 23, 0, 0, 0, 0, hcm), 34},
		{time.Date(1990, 1, 1, 0, 0, 0, 0, hcm), 0},
	} {
		if got := d.AgeOn(tt.on); got != tt.want {
			t.Errorf("AgeOn(%v) = %d, want %d", tt.on, got, tt.want)
		}
	}
	b, err := json.Marshal(struct{ D CivilDate }{d})
	if err != nil || string(b) != `{"D":"1991-08-23"}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	var back struct{ D CivilDate }
	if err := json.Unmarshal(b, &back); err != nil || back.D != d {
		t.Errorf("unmarshal: %v %v", back.D, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"23/08/1991"}`), &back); err == nil {
		t.Error("bad text accepted")
	}
}
