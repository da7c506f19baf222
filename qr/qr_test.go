package qr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// payload returns n bytes of URI-like ASCII text.
func payload(n int) []byte {
	s := strings.Repeat("otpauth://totp/Anbao:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Anbao&", 4)
	return []byte(s[:n])
}

// Byte-mode capacities at level M (ISO/IEC 18004:2015 Table 7).
var standardCapacity = map[int]int{1: 14, 2: 26, 3: 42, 4: 62, 5: 84, 6: 106, 7: 122, 8: 152, 9: 180, 10: 213}

// Total codewords per version (Table 9, first column).
var standardTotal = map[int]int{1: 26, 2: 44, 3: 70, 4: 100, 5: 134, 6: 172, 7: 196, 8: 242, 9: 292, 10: 346}

func TestVersionForLength(t *testing.T) {
	for v := 1; v <= 10; v++ {
		if got := capacity(v); got != standardCapacity[v] {
			t.Errorf("capacity(%d) = %d, want %d", v, got, standardCapacity[v])
		}
	}
	for _, tc := range []struct{ n, v int }{
		{0, 1}, {1, 1}, {14, 1}, {15, 2}, {26, 2}, {27, 3}, {42, 3}, {43, 4},
		{62, 4}, {63, 5}, {84, 5}, {85, 6}, {106, 6}, {107, 7}, {122, 7},
		{123, 8}, {152, 8}, {153, 9}, {180, 9}, {181, 10}, {200, 10}, {213, 10},
	} {
		c, err := Encode(payload(tc.n))
		if err != nil {
			t.Fatalf("Encode(%d bytes): %v", tc.n, err)
		}
		if c.version != tc.v || c.Size != 17+4*tc.v {
			t.Errorf("%d bytes: version %d size %d, want version %d size %d",
				tc.n, c.version, c.Size, tc.v, 17+4*tc.v)
		}
	}
	if _, err := Encode(make([]byte, MaxBytes+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("Encode(%d bytes) err = %v, want ErrTooLong", MaxBytes+1, err)
	}
}

func TestDataCodewords(t *testing.T) {
	// "hello" in 1-M, worked by hand: mode 0100, count 00000101, the five
	// bytes, terminator 0000, then pad codewords EC 11 alternately.
	want := []byte{0x40, 0x56, 0x86, 0x56, 0xC6, 0xC6, 0xF0,
		0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC}
	if got := dataCodewords(1, []byte("hello")); !bytes.Equal(got, want) {
		t.Errorf("got  % X\nwant % X", got, want)
	}
	// Full 1-M: 14 bytes leave exactly 4 bits, all terminator, no pad.
	got := dataCodewords(1, []byte("ABCDEFGHIJKLMN"))
	if len(got) != 16 || got[0] != 0x40 || got[1] != 0xE4 || got[15] != 0xE0 {
		t.Errorf("full 1-M: % X", got)
	}
	// Version 10 uses a 16-bit count: 0100 0000000011010101 for 213.
	got = dataCodewords(10, make([]byte, 213))
	if len(got) != 216 || got[0] != 0x40 || got[1] != 0x0D || got[2] != 0x50 {
		t.Errorf("10-M header: % X", got[:3])
	}
}

func TestInterleave(t *testing.T) {
	for v := 1; v <= 10; v++ {
		data := dataCodewords(v, payload(capacity(v)))
		out := interleave(v, data)
		if len(out) != standardTotal[v] {
			t.Errorf("version %d: %d codewords, want %d", v, len(out), standardTotal[v])
		}
	}
	// Version 8-M: 2 blocks of 38 and 2 of 39 data codewords, 22 EC each.
	data := make([]byte, 154)
	for i := range data {
		data[i] = byte(i)
	}
	out := interleave(8, data)
	// First round takes codeword 0 of each block: offsets 0, 38, 76, 115.
	if !bytes.Equal(out[:4], []byte{0, 38, 76, 115}) {
		t.Errorf("first data round % d", out[:4])
	}
	// Round 38 exists only in the two long blocks: 76+38=114, 115+38=153.
	if !bytes.Equal(out[152:154], []byte{114, 153}) {
		t.Errorf("last data codewords % d", out[152:154])
	}
	ec0 := rsRemainder(data[:38], rsGenerator(22))
	ec3 := rsRemainder(data[115:], rsGenerator(22))
	if out[154] != ec0[0] || out[157] != ec3[0] || out[len(out)-1] != ec3[21] {
		t.Error("EC codewords not interleaved block by block")
	}
}

// Format information for level M, masks 0–7, from ISO/IEC 18004 Table C.1
// (after XOR with 101010000010010), most significant bit first.
var standardFormat = [8]string{
	"101010000010010",
	"101000100100101",
	"101111001111100",
	"101101101001011",
	"100010111111001",
	"100000011001110",
	"100111110010111",
	"100101010100000",
}

func TestFormatBitsTable(t *testing.T) {
	for mask, want := range standardFormat {
		if got := fmt.Sprintf("%015b", formatBits(mask)); got != want {
			t.Errorf("mask %d: %s, want %s", mask, got, want)
		}
	}
}

// readFormat reads both copies of the format information from c, most
// significant bit first, following Figure 25.
func readFormat(c *Code) (first, second string) {
	n := c.Size
	b := func(x, y int) byte {
		if c.Module(x, y) {
			return '1'
		}
		return '0'
	}
	var f, s []byte
	// Around the top-left finder: row 8 left to right (skipping the timing
	// column 6), then column 8 upwards (skipping the timing row 6).
	for _, x := range []int{0, 1, 2, 3, 4, 5, 7, 8} {
		f = append(f, b(x, 8))
	}
	for _, y := range []int{7, 5, 4, 3, 2, 1, 0} {
		f = append(f, b(8, y))
	}
	// Second copy: bits 14–8 in column 8 from the bottom edge upwards
	// (beside the bottom-left finder), then bits 7–0 along row 8 at the
	// right edge (below the top-right finder).
	for y := n - 1; y >= n-7; y-- {
		s = append(s, b(8, y))
	}
	for x := n - 8; x < n; x++ {
		s = append(s, b(x, 8))
	}
	return string(f), string(s)
}

func TestFormatBitsInSymbol(t *testing.T) {
	for _, n := range []int{5, 30, 100, 200} {
		for mask := 0; mask < 8; mask++ {
			c, err := encodeMask(payload(n), mask)
			if err != nil {
				t.Fatal(err)
			}
			f, s := readFormat(c)
			if f != standardFormat[mask] || s != standardFormat[mask] {
				t.Errorf("%d bytes, mask %d: copies %s / %s, want %s", n, mask, f, s, standardFormat[mask])
			}
		}
		// The automatically chosen mask is the one the format says.
		c, _ := Encode(payload(n))
		if f, _ := readFormat(c); f != standardFormat[c.mask] {
			t.Errorf("%d bytes: format %s does not match chosen mask %d", n, f, c.mask)
		}
	}
}

// Version information (Table D.1).
var standardVersionInfo = map[int]uint32{7: 0x07C94, 8: 0x085BC, 9: 0x09A99, 10: 0x0A4D3}

func TestVersionInformation(t *testing.T) {
	for v, want := range standardVersionInfo {
		if got := versionBits(v); got != want {
			t.Errorf("versionBits(%d) = %#05x, want %#05x", v, got, want)
		}
		c, _ := Encode(payload(capacity(v)))
		if c.version != v {
			t.Fatalf("got version %d", c.version)
		}
		n := c.Size
		// Bit i (0 = least significant) sits at column i/3, row n-11+i%3 in
		// the lower-left block and transposed in the upper-right one.
		var bl, tr uint32
		for i := 0; i < 18; i++ {
			if c.Module(i/3, n-11+i%3) {
				bl |= 1 << i
			}
			if c.Module(n-11+i%3, i/3) {
				tr |= 1 << i
			}
		}
		if bl != want || tr != want {
			t.Errorf("version %d: blocks %#05x / %#05x, want %#05x", v, bl, tr, want)
		}
	}
	// Versions below 7 carry no version information: those areas hold data.
	c, _ := Encode(payload(100)) // version 6
	m := newMatrix(c.version)
	m.drawFunctionPatterns()
	if m.fn[0*m.size+m.size-11] {
		t.Error("version 6 reserves a version information area")
	}
}

func TestFunctionPatterns(t *testing.T) {
	finder := []string{
		"#######",
		"#.....#",
		"#.###.#",
		"#.###.#",
		"#.###.#",
		"#.....#",
		"#######",
	}
	alignment := []string{"#####", "#...#", "#.#.#", "#...#", "#####"}
	alignPos := map[int][]int{2: {6, 18}, 3: {6, 22}, 4: {6, 26}, 5: {6, 30},
		6: {6, 34}, 7: {6, 22, 38}, 8: {6, 24, 42}, 9: {6, 26, 46}, 10: {6, 28, 50}}

	for v := 1; v <= 10; v++ {
		c, err := Encode(payload(capacity(v)))
		if err != nil || c.version != v {
			t.Fatalf("version %d: %v", v, err)
		}
		n := c.Size
		check := func(what string, x0, y0 int, pic []string) {
			for dy, row := range pic {
				for dx, ch := range row {
					if c.Module(x0+dx, y0+dy) != (ch == '#') {
						t.Errorf("v%d %s: module (%d,%d) wrong", v, what, x0+dx, y0+dy)
					}
				}
			}
		}
		check("top-left finder", 0, 0, finder)
		check("top-right finder", n-7, 0, finder)
		check("bottom-left finder", 0, n-7, finder)
		// Separators: the light line of width one inside the symbol.
		for i := 0; i < 8; i++ {
			for _, p := range [][2]int{
				{7, i}, {i, 7}, // top-left
				{n - 8, i}, {n - 1 - i, 7}, // top-right
				{7, n - 1 - i}, {i, n - 8}, // bottom-left
			} {
				if c.Module(p[0], p[1]) {
					t.Errorf("v%d: separator module (%d,%d) is dark", v, p[0], p[1])
				}
			}
		}
		// Timing patterns between the separators: dark on even positions.
		for i := 8; i < n-8; i++ {
			if c.Module(i, 6) != (i%2 == 0) || c.Module(6, i) != (i%2 == 0) {
				t.Errorf("v%d: timing module %d wrong", v, i)
			}
		}
		// The dark module above the bottom-left separator.
		if !c.Module(8, n-8) {
			t.Errorf("v%d: dark module missing", v)
		}
		// Alignment patterns at every combination of centres except the
		// three that overlap finders.
		pos := alignPos[v]
		for i, cy := range pos {
			for j, cx := range pos {
				last := len(pos) - 1
				if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
					continue
				}
				check(fmt.Sprintf("alignment (%d,%d)", cx, cy), cx-2, cy-2, alignment)
			}
		}
		// Quiet zone and out-of-range coordinates read as light.
		if c.Module(-1, 0) || c.Module(0, -1) || c.Module(n, 0) || c.Module(0, n) {
			t.Errorf("v%d: module outside the symbol is dark", v)
		}
	}
}

func TestMaskPatterns(t *testing.T) {
	// Table 10 condition evaluated on the top-left 6×6 modules (row i,
	// column j); '#' marks the modules the mask inverts.
	want := [8]string{
		"#_#_#_ _#_#_# #_#_#_ _#_#_# #_#_#_ _#_#_#",
		"###### ______ ###### ______ ###### ______",
		"#__#__ #__#__ #__#__ #__#__ #__#__ #__#__",
		"#__#__ __#__# _#__#_ #__#__ __#__# _#__#_",
		"###___ ###___ ___### ___### ###___ ###___",
		"###### #_____ #__#__ #_#_#_ #__#__ #_____",
		"###### ###___ ##_##_ #_#_#_ #_##_# #___##",
		"#_#_#_ ___### #___## _#_#_# ###___ _###__",
	}
	for mask := 0; mask < 8; mask++ {
		var rows []string
		for i := 0; i < 6; i++ {
			var r []byte
			for j := 0; j < 6; j++ {
				if maskBit(mask, j, i) {
					r = append(r, '#')
				} else {
					r = append(r, '_')
				}
			}
			rows = append(rows, string(r))
		}
		if got := strings.Join(rows, " "); got != want[mask] {
			t.Errorf("mask %d:\n got %s\nwant %s", mask, got, want[mask])
		}
	}
}

// fromRows builds a matrix from rows of '#' (dark) and '.' (light).
func fromRows(rows ...string) *matrix {
	m := newMatrix(1)
	m.size = len(rows)
	m.mod = make([]bool, m.size*m.size)
	m.fn = make([]bool, m.size*m.size)
	for y, r := range rows {
		for x, ch := range r {
			m.mod[y*m.size+x] = ch == '#'
		}
	}
	return m
}

func TestPenaltyRules(t *testing.T) {
	// All light, 21×21: every row and column is one run of 21
	// (3 + 16 = 19 each, 42 lines), 20×20 2×2 blocks (3 each), no
	// finder-like pattern, 0% dark = 10 steps of 5% (100).
	blank := fromRows(strings.Split(strings.Repeat(strings.Repeat(".", 21)+"\n", 21), "\n")[:21]...)
	if got := blank.penaltyRuns(); got != 42*19 {
		t.Errorf("blank rule 1 = %d, want %d", got, 42*19)
	}
	if got := blank.penaltyBlocks(); got != 400*3 {
		t.Errorf("blank rule 2 = %d, want %d", got, 1200)
	}
	if got := blank.penaltyFinder(); got != 0 {
		t.Errorf("blank rule 3 = %d", got)
	}
	if got := blank.penaltyBalance(); got != 100 {
		t.Errorf("blank rule 4 = %d, want 100", got)
	}

	// Checkerboard: no runs, no blocks, no patterns, 221/441 dark (50.1%).
	var rows []string
	for y := 0; y < 21; y++ {
		var r []byte
		for x := 0; x < 21; x++ {
			r = append(r, ".#"[(x+y+1)%2])
		}
		rows = append(rows, string(r))
	}
	if got := fromRows(rows...).penalty(); got != 0 {
		t.Errorf("checkerboard penalty = %d, want 0", got)
	}

	// Rule 1 run lengths: a 5-run scores 3, a 7-run scores 5, a 4-run 0.
	m := fromRows(
		"#####.#",
		".#.#.#.",
		"#.#.#.#",
		".#.#.#.",
		"#.#.#.#",
		".#.#.#.",
		"#.#.#.#",
	)
	if got := m.penaltyRuns(); got != 3 {
		t.Errorf("5-run rule 1 = %d, want 3", got)
	}
	m = fromRows(
		"#######",
		".#.#.#.",
		"#.#.#.#",
		".#.#.#.",
		"#.#.#.#",
		".#.#.#.",
		"#.#.#.#",
	)
	if got := m.penaltyRuns(); got != 5 {
		t.Errorf("7-run rule 1 = %d, want 5", got)
	}

	// Rule 2: a 3×3 dark square contains four overlapping 2×2 blocks.
	m = fromRows(
		"###.#",
		"###.#",
		"###.#",
		"#.#.#",
		".#.#.",
	)
	if got := m.penaltyBlocks(); got != 4*3 {
		t.Errorf("rule 2 = %d, want 12", got)
	}

	// Rule 3: 1:1:3:1:1 with four light modules on one side. In an
	// 11-wide row "#.###.#...." the pattern counts once; the column
	// direction is all short, alternating material.
	m = fromRows(
		"#.###.#....",
		".#.#.#.#.#.",
		"#.#.#.#.#.#",
		".#.#.#.#.#.",
		"#.#.#.#.#.#",
		".#.#.#.#.#.",
		"#.#.#.#.#.#",
		".#.#.#.#.#.",
		"#.#.#.#.#.#",
		".#.#.#.#.#.",
		"#.#.#.#.#.#",
	)
	if got := m.penaltyFinder(); got != 40 {
		t.Errorf("rule 3 = %d, want 40", got)
	}
	// The same pattern with a dark module inside the light flank and in
	// the middle of the symbol (so the quiet zone does not help) scores 0.
	m = fromRows(
		"#..#.###.#.#...",
		".#.#.#.#.#.#.#.",
		"#.#.#.#.#.#.#.#",
		".#.#.#.#.#.#.#.",
		"#.#.#.#.#.#.#.#",
		".#.#.#.#.#.#.#.",
		"#.#.#.#.#.#.#.#",
		".#.#.#.#.#.#.#.",
		"#.#.#.#.#.#.#.#",
		".#.#.#.#.#.#.#.",
		"#.#.#.#.#.#.#.#",
		".#.#.#.#.#.#.#.",
		"#.#.#.#.#.#.#.#",
		".#.#.#.#.#.#.#.",
		"#.#.#.#.#.#.#.#",
	)
	if got := m.penaltyFinder(); got != 0 {
		t.Errorf("rule 3 without light flank = %d, want 0", got)
	}

	// Rule 4: 60% dark is two full 5% steps (20); 54% is none.
	m = fromRows(strings.Split(strings.Repeat("######....\n", 10), "\n")[:10]...)
	if got := m.penaltyBalance(); got != 20 {
		t.Errorf("60%% dark rule 4 = %d, want 20", got)
	}
	m.mod = make([]bool, 100)
	for i := 0; i < 54; i++ {
		m.mod[i] = true
	}
	if got := m.penaltyBalance(); got != 0 {
		t.Errorf("54%% dark rule 4 = %d, want 0", got)
	}
}

func TestChosenMaskHasLowestPenalty(t *testing.T) {
	for _, n := range []int{3, 20, 50, 110, 190} {
		c, _ := Encode(payload(n))
		scores := make([]int, 8)
		for mask := 0; mask < 8; mask++ {
			forced, _ := encodeMask(payload(n), mask)
			m := &matrix{size: forced.Size, ver: forced.version, mod: forced.modules}
			scores[mask] = m.penalty()
		}
		for mask, s := range scores {
			if s < scores[c.mask] || (s == scores[c.mask] && mask < c.mask) {
				t.Errorf("%d bytes: chose mask %d (%d) but mask %d scores %d", n, c.mask, scores[c.mask], mask, s)
			}
		}
	}
}

// Block structure (c, k) = (total, data codewords per block) per version,
// written as in ISO/IEC 18004 Table 9, level M.
var standardBlocks = map[int][][3]int{ // {count, c, k}
	1: {{1, 26, 16}}, 2: {{1, 44, 28}}, 3: {{1, 70, 44}}, 4: {{2, 50, 32}},
	5: {{2, 67, 43}}, 6: {{4, 43, 27}}, 7: {{4, 49, 31}},
	8: {{2, 60, 38}, {2, 61, 39}}, 9: {{3, 58, 36}, {2, 59, 37}},
	10: {{4, 69, 43}, {1, 70, 44}},
}

// readBack decodes c without external tools: it reads the format
// information, removes the mask, reads the codewords in placement order,
// de-interleaves them, checks every block's Reed–Solomon syndromes and
// parses the byte-mode segment.
func readBack(t *testing.T, c *Code) []byte {
	t.Helper()
	f, _ := readFormat(c)
	format, _ := strconv.ParseUint(f, 2, 16)
	format ^= 0x5412
	if level := format >> 13; level != 0 {
		t.Fatalf("error correction level bits %02b, want 00 (M)", level)
	}
	mask := int(format>>10) & 7
	maskFn := []func(i, j int) bool{ // Table 10, i = row, j = column
		func(i, j int) bool { return (i+j)%2 == 0 },
		func(i, j int) bool { return i%2 == 0 },
		func(i, j int) bool { return j%3 == 0 },
		func(i, j int) bool { return (i+j)%3 == 0 },
		func(i, j int) bool { return (i/2+j/3)%2 == 0 },
		func(i, j int) bool { return (i*j)%2+(i*j)%3 == 0 },
		func(i, j int) bool { return ((i*j)%2+(i*j)%3)%2 == 0 },
		func(i, j int) bool { return ((i+j)%2+(i*j)%3)%2 == 0 },
	}[mask]

	n := c.Size
	fm := newMatrix(c.version)
	fm.drawFunctionPatterns()

	var bits []bool
	up := true
	for col := n - 1; col > 0; col -= 2 {
		if col == 6 {
			col--
		}
		for r := 0; r < n; r++ {
			y := r
			if up {
				y = n - 1 - r
			}
			for _, x := range []int{col, col - 1} {
				if !fm.fn[y*n+x] {
					bits = append(bits, c.Module(x, y) != maskFn(y, x))
				}
			}
		}
		up = !up
	}
	var cw []byte
	for i := 0; i+8 <= len(bits); i += 8 {
		var b byte
		for _, bit := range bits[i : i+8] {
			b <<= 1
			if bit {
				b |= 1
			}
		}
		cw = append(cw, b)
	}
	if len(cw) != standardTotal[c.version] {
		t.Fatalf("read %d codewords, want %d", len(cw), standardTotal[c.version])
	}

	// De-interleave.
	var blocks [][]byte
	var ks []int
	for _, g := range standardBlocks[c.version] {
		for i := 0; i < g[0]; i++ {
			blocks = append(blocks, nil)
			ks = append(ks, g[2])
		}
	}
	ec := standardBlocks[c.version][0][1] - standardBlocks[c.version][0][2]
	p := 0
	for i := 0; i < ks[len(ks)-1]; i++ {
		for b := range blocks {
			if i < ks[b] {
				blocks[b] = append(blocks[b], cw[p])
				p++
			}
		}
	}
	for i := 0; i < ec; i++ {
		for b := range blocks {
			blocks[b] = append(blocks[b], cw[p])
			p++
		}
	}
	var data []byte
	for b, blk := range blocks {
		if s := syndromes(blk, ec); s != nil {
			t.Fatalf("block %d: syndromes % X", b, s)
		}
		data = append(data, blk[:ks[b]]...)
	}

	// Parse: mode, count, bytes.
	if data[0]>>4 != 0b0100 {
		t.Fatalf("mode indicator %04b, want 0100", data[0]>>4)
	}
	bitAt := func(i int) int { return int(data[i/8]>>(7-uint(i%8))) & 1 }
	read := func(pos, width int) int {
		v := 0
		for i := 0; i < width; i++ {
			v = v<<1 | bitAt(pos+i)
		}
		return v
	}
	cb := 8
	if c.version >= 10 {
		cb = 16
	}
	count := read(4, cb)
	out := make([]byte, count)
	for i := range out {
		out[i] = byte(read(4+cb+8*i, 8))
	}
	return out
}

func TestReadBack(t *testing.T) {
	inputs := [][]byte{{}, []byte("A"), []byte("otpauth://totp/Anbao:alice?secret=JBSWY3DPEHPK3PXP")}
	for v := 1; v <= 10; v++ {
		inputs = append(inputs, payload(capacity(v)))
	}
	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(255 - i)
	}
	inputs = append(inputs, binary[:200], binary[:77])
	for _, in := range inputs {
		c, err := Encode(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := readBack(t, c); !bytes.Equal(got, in) {
			t.Errorf("read back %q, want %q", got, in)
		}
		for mask := 0; mask < 8; mask++ {
			c, _ := encodeMask(in, mask)
			if got := readBack(t, c); !bytes.Equal(got, in) {
				t.Errorf("mask %d: read back %q, want %q", mask, got, in)
			}
		}
	}
}

func TestSVG(t *testing.T) {
	c, err := Encode([]byte("otpauth://totp/Anbao:alice?secret=JBSWY3DPEHPK3PXP"))
	if err != nil {
		t.Fatal(err)
	}
	svg := c.SVG(5)
	// Well-formed XML with an svg root element.
	var root struct {
		XMLName xml.Name
		Width   string `xml:"width,attr"`
		Height  string `xml:"height,attr"`
		ViewBox string `xml:"viewBox,attr"`
		Rect    struct {
			Fill string `xml:"fill,attr"`
		} `xml:"rect"`
		Path struct {
			Fill string `xml:"fill,attr"`
			D    string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal([]byte(svg), &root); err != nil {
		t.Fatalf("invalid XML: %v\n%s", err, svg)
	}
	n := c.Size + 8
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Errorf("root %v", root.XMLName)
	}
	if root.Width != strconv.Itoa(5*n) || root.Height != strconv.Itoa(5*n) {
		t.Errorf("size %sx%s, want %d", root.Width, root.Height, 5*n)
	}
	if root.ViewBox != fmt.Sprintf("0 0 %d %d", n, n) {
		t.Errorf("viewBox %q", root.ViewBox)
	}
	if root.Rect.Fill != "#ffffff" || root.Path.Fill != "#000000" {
		t.Errorf("colours %q on %q", root.Path.Fill, root.Rect.Fill)
	}
	// Rasterise the path's runs and compare with the modules, offset by
	// the 4-module quiet zone.
	grid := make([]bool, n*n)
	re := regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
	matches := re.FindAllStringSubmatch(root.Path.D, -1)
	if strings.Join(func() []string {
		var s []string
		for _, m := range matches {
			s = append(s, m[0])
		}
		return s
	}(), "") != root.Path.D {
		t.Fatalf("unexpected path syntax: %s", root.Path.D)
	}
	for _, m := range matches {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for i := 0; i < w; i++ {
			grid[y*n+x+i] = true
		}
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if grid[y*n+x] != c.Module(x-4, y-4) {
				t.Fatalf("SVG module (%d,%d) differs", x, y)
			}
		}
	}
	if !strings.Contains(c.SVG(0), fmt.Sprintf(`width="%d"`, n)) {
		t.Error("moduleSize 0 not treated as 1")
	}
}

// writePNG renders c with a 4-module quiet zone at scale pixels per module.
func writePNG(t *testing.T, c *Code, scale int, path string) {
	t.Helper()
	n := (c.Size + 8) * scale
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			v := uint8(255)
			if c.Module(x/scale-4, y/scale-4) {
				v = 0
			}
			img.SetGray(x, y, color.Gray{Y: v})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestZbarDecodes renders codes of every version and every mask to PNG and
// decodes them with zbarimg (package zbar-tools), when it is installed.
func TestZbarDecodes(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed (apt-get install zbar-tools)")
	}
	dir := t.TempDir()
	type tc struct {
		data []byte
		mask int
	}
	var cases []tc
	for v := 1; v <= 10; v++ {
		cases = append(cases, tc{payload(capacity(v)), -1})
	}
	for mask := 0; mask < 8; mask++ {
		cases = append(cases, tc{payload(40), mask})
	}
	cases = append(cases,
		tc{[]byte("otpauth://totp/Anbao%20Insurance:bob%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Anbao%20Insurance&algorithm=SHA1&digits=6&period=30"), -1},
		tc{[]byte("安保 — UTF-8 text"), -1},
	)
	for i, k := range cases {
		c, err := encodeMask(k.data, k.mask)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("qr%d.png", i))
		writePNG(t, c, 4, path)
		out, err := exec.Command(zbar, "--raw", "-q", path).Output()
		if err != nil {
			t.Errorf("case %d (v%d mask %d): zbarimg: %v", i, c.version, c.mask, err)
			continue
		}
		if got := strings.TrimSuffix(string(out), "\n"); got != string(k.data) {
			t.Errorf("case %d (v%d mask %d): decoded %q, want %q", i, c.version, c.mask, got, k.data)
		}
	}
}

// TestMatchesLibqrencode compares each symbol with the one libqrencode's
// qrencode tool produces, when installed. Encoders may legitimately pick
// different masks (the penalty rules are applied differently in practice),
// so the comparison is with our symbol forced to the mask qrencode used;
// everything else must be identical module for module.
func TestMatchesLibqrencode(t *testing.T) {
	qrencode, err := exec.LookPath("qrencode")
	if err != nil {
		t.Skip("qrencode not installed (apt-get install qrencode)")
	}
	for _, n := range []int{1, 14, 15, 40, 62, 84, 100, 122, 150, 180, 181, 213} {
		data := payload(n)
		out, err := exec.Command(qrencode, "-l", "M", "-8", "-m", "0", "-t", "ASCII", "-o", "-", string(data)).Output()
		if err != nil {
			t.Fatalf("qrencode: %v", err)
		}
		theirs := asciiRows(strings.Split(strings.TrimRight(string(out), "\n"), "\n"))
		matched := false
		for mask := 0; mask < 8 && !matched; mask++ {
			c, _ := encodeMask(data, mask)
			var ours []string
			for y := 0; y < c.Size; y++ {
				var r strings.Builder
				for x := 0; x < c.Size; x++ {
					if c.Module(x, y) {
						r.WriteString("##")
					} else {
						r.WriteString("  ")
					}
				}
				ours = append(ours, r.String())
			}
			matched = strings.Join(asciiRows(ours), "\n") == strings.Join(theirs, "\n")
		}
		if !matched {
			t.Errorf("%d bytes: no mask reproduces qrencode's symbol", n)
		}
	}
}

func asciiRows(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.TrimRight(r, " ")
	}
	return out
}

func BenchmarkEncode200(b *testing.B) {
	data := payload(200)
	for b.Loop() {
		if _, err := Encode(data); err != nil {
			b.Fatal(err)
		}
	}
}
