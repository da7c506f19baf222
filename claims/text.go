package claims

import "strconv"

// Dates are day numbers (days since 1970-01-01): parsing and comparing them
// costs a few nanoseconds, where time.Parse costs a hundred.

// parseDate parses a strict YYYY-MM-DD (year 0001–9999, a real day).
func parseDate(s string) (int32, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	n := 0
	for i, c := range []byte(s) {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	y, m, d := n/10000, n/100%100, n%100
	if y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the proleptic Gregorian day number of y-m-d (y ≥ 1),
// after Howard Hinnant's algorithm.
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// civilFromDays is the inverse of daysFromCivil (z ≥ day of 0001-01-01).
func civilFromDays(z int32) (y, m, d int) {
	n := int(z) + 719468
	era := n / 146097
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// appendDate appends day z as YYYY-MM-DD (years past 9999 print as they are).
func appendDate(b []byte, z int32) []byte {
	y, m, d := civilFromDays(z)
	for p := 1000; p > 1 && y < p; p /= 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
	return b
}

// appendYuan appends fen as cover.Yuan formats it: ¥1,234,567.89.
func appendYuan(b []byte, fen int64) []byte {
	u := uint64(fen)
	if fen < 0 {
		b = append(b, '-')
		u = -u
	}
	b = append(b, "¥"...)
	var d [32]byte
	i := len(d)
	for n, y := 0, u/100; ; n++ {
		if n > 0 && n%3 == 0 {
			i--
			d[i] = ','
		}
		i--
		d[i] = byte('0' + y%10)
		if y /= 10; y == 0 {
			break
		}
	}
	b = append(b, d[i:]...)
	f := u % 100
	return append(b, '.', byte('0'+f/10), byte('0'+f%10))
}

// appendPct appends a share in bp as a percentage: 1000 → 10%, 1250 → 12.5%, 5 → 0.05%.
func appendPct(b []byte, bp int) []byte {
	b = strconv.AppendInt(b, int64(bp/100), 10)
	if r := bp % 100; r != 0 {
		b = append(b, '.', byte('0'+r/10))
		if r%10 != 0 {
			b = append(b, byte('0'+r%10))
		}
	}
	return append(b, '%')
}

func appendInt(b []byte, n int) []byte { return strconv.AppendInt(b, int64(n), 10) }

// roundDiv is n/d rounded half up (n ≥ 0, d > 0).
func roundDiv(n, d int64) int64 { return (n + d/2) / d }
