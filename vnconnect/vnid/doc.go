// Package vnid parses, validates and normalises the Vietnamese identifiers
// that Vnconnect (the single sign-on of the National Public Service Portal)
// sends about its accounts, and folds Vietnamese names for search.
//
// Every parser trims surrounding white space, refuses input longer than 64
// bytes before looking at it, never panics, and fails with a *Error whose
// Unwrap is one of the sentinels (ErrEmpty, ErrLength, ErrCharacter,
// ErrFormat, ErrProvince, ErrChecksum, ErrRange). Error messages say what is
// wrong without repeating the input, so they can be logged or shown even when
// the input came from an untrusted source. Only ASCII digits count as digits.
//
// # Rules and their sources
//
// CCCD / personal identification number (ParseCCCD): 12 digits. Digits 1–3
// are the province code from the list annexed to circular 07/2016/TT-BCA
// (now 59/2021/TT-BCA): 63 codes from 001 (Hà Nội) to 096 (Cà Mau), with
// gaps. Digit 4 encodes century and gender: 0/1 male/female born in the 1900s,
// 2/3 in the 2000s, 4/5 the 2100s, 6/7 the 2200s, 8/9 the 1800s. Digits 5–6
// are the last two digits of the birth year; digits 7–12 a serial with no
// structure to check. CCCD.CheckHolder compares the encoded year and gender
// with a profile's; NewCCCD builds numbers for test data. Numbers are for
// life, so the pre-2025 province codes remain valid after the 2025 merger of
// provinces.
//
// CMND (ParseCMND): the old identity card, 9 digits. The 12-digit cards of
// 2012–2016 already carry a personal identification number: use ParseCCCD.
//
// Passport (ParsePassport): Vietnamese passports, one letter and 7 digits
// ("C1234567"); a lower-case letter is upper-cased. Foreign passports are not
// accepted.
//
// MST, tax code (ParseMST): 10 digits, the last a check digit
// d10 = 10 − (Σ dᵢ·wᵢ mod 11) over the first nine digits with weights
// 31, 29, 23, 19, 17, 13, 7, 5, 3 (a remainder of 10 gives 0; a remainder of
// 0 would need 10, so such prefixes are never valid). A dependent unit adds a
// 3-digit branch, "0100109106-001", 001–999; the same 13 digits without the
// dash are also accepted and normalised to the dashed form. Individuals have
// used their 12-digit personal identification number as tax code since July
// 2025: that is a CCCD, not an MST. CompleteMST computes check digits for
// test data.
//
// Agency code (ParseAgencyCode): QCVN 102:2016/BTTTT as applied by Decision
// 20/2020/QĐ-TTg, "NNN.NN.NN.Lnn", read right to left. Lnn is the level-1 unit
// (a letter and two digits: G ministries, H provincial People's Committees,
// A Party bodies, C the National Assembly, …); each component to its left is
// one level deeper, and zero means "no unit at this level", so Level is the
// number of non-zero components. Parent zeroes the leftmost non-zero
// component. A component set while one to its right is zero is refused.
//
// Mobile numbers (ParsePhone): a trunk 0 or the country code 84 (written 84,
// +84 or 0084), then a carrier prefix 3[2-9], 5[25689], 7[06-9], 8[1-689] or
// 9[0-46-9], then 7 digits — the numbering plan after the 2018 move of
// 11-digit numbers to 10 digits. Spaces, dots, dashes and parentheses are
// ignored, and a trunk 0 kept after the country code is forgiven. The result
// is E.164 ("+84912345678"); Phone.National gives "0912345678". Fixed lines
// (02x) are not mobile numbers and are refused.
//
// Names (FoldName, NameContains): decompose (NFKD, so precomposed and
// decomposed input fold alike), drop combining marks, map đ/Đ (which are
// letters of their own, not d with a mark) to d, lower-case, collapse white
// space. NameContains matches query words against the starts of name words,
// in order: "Nguyen Van A" finds "Nguyễn Văn A".
//
// These rules come from public regulations; they tell whether an identifier
// is well formed, not whether it was issued to anybody.
package vnid
