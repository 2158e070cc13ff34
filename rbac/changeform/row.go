package changeform

// Row is one line of the form below its header, as written: cells trimmed,
// white space collapsed, text in Unicode NFC. Nothing is validated here;
// Plan decides what each row means.
type Row struct {
	// Line is the 1-based CSV line or XLSX row number, for messages that
	// send the admin back to the file.
	Line      int    `json:"line"`
	STT       string `json:"stt,omitempty"`
	Subsystem string `json:"subsystem"`
	FullName  string `json:"full_name"`
	ID        string `json:"id_number"`
	Note      string `json:"note,omitempty"`
	// SubsystemFromAbove: the row's subsystem cell was blank and repeats
	// the row above's — what a subsystem cell merged over several people
	// (or a "như trên" habit) leaves in the file.
	SubsystemFromAbove bool `json:"subsystem_from_above,omitempty"`
}

// Form is a parsed change form.
type Form struct {
	// Format is "csv" or "xlsx".
	Format string `json:"format"`
	// Sheet is the XLSX worksheet the table was found on.
	Sheet string `json:"sheet,omitempty"`
	// HeaderLine is the line of the header row.
	HeaderLine int   `json:"header_line"`
	Rows       []Row `json:"rows"`
}

// Column names of the form, as the Kiên Giang letter's table has them.
// They name columns in ParseError.
const (
	ColSTT       = "STT"
	ColSubsystem = "Phân hệ"
	ColFullName  = "Họ và tên"
	ColID        = "Số CMND/CCCD"
	ColNote      = "Ghi chú"
)
