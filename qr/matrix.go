package qr

// matrix is the symbol under construction. fn marks function modules
// (finder, separator, timing, alignment, format and version areas), which
// data placement and masking skip.
type matrix struct {
	size int
	ver  int
	mod  []bool
	fn   []bool
}

func newMatrix(version int) *matrix {
	size := 17 + 4*version
	return &matrix{size: size, ver: version, mod: make([]bool, size*size), fn: make([]bool, size*size)}
}

func (m *matrix) get(x, y int) bool { return m.mod[y*m.size+x] }

func (m *matrix) setFn(x, y int, dark bool) {
	m.mod[y*m.size+x] = dark
	m.fn[y*m.size+x] = true
}

func (m *matrix) drawFunctionPatterns() {
	n := m.size
	// Timing patterns (row 6 and column 6), drawn first; the finder
	// patterns overwrite their ends.
	for i := 0; i < n; i++ {
		m.setFn(6, i, i%2 == 0)
		m.setFn(i, 6, i%2 == 0)
	}
	// Finder patterns with their separators.
	m.drawFinder(3, 3)
	m.drawFinder(n-4, 3)
	m.drawFinder(3, n-4)
	// Alignment patterns, except where they would overlap a finder.
	pos := versions[m.ver].align
	last := len(pos) - 1
	for i, cy := range pos {
		for j, cx := range pos {
			if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
				continue
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					m.setFn(cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	// Reserve the format areas (real bits come with the mask) and draw the
	// version information and the dark module.
	m.drawFormatBits(0)
	m.drawVersion()
}

// drawFinder draws a 7×7 finder pattern centred at (cx, cy) and the light
// separator ring around it, clipped to the symbol.
func (m *matrix) drawFinder(cx, cy int) {
	for dy := -4; dy <= 4; dy++ {
		for dx := -4; dx <= 4; dx++ {
			x, y := cx+dx, cy+dy
			if x < 0 || y < 0 || x >= m.size || y >= m.size {
				continue
			}
			d := max(abs(dx), abs(dy))
			m.setFn(x, y, d != 2 && d != 4)
		}
	}
}

// formatBits returns the 15-bit format information for level M (indicator
// 00) and the given mask: 5 data bits, 10 BCH(15,5) bits with generator
// 0x537, XORed with 0x5412 (section 7.9.1).
func formatBits(mask int) uint32 {
	data := uint32(0b00<<3 | mask)
	rem := data
	for i := 0; i < 10; i++ {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	return (data<<10 | rem) ^ 0x5412
}

// versionBits returns the 18-bit version information: 6 data bits and 12
// BCH(18,6) bits with generator 0x1F25 (section 7.10).
func versionBits(version int) uint32 {
	rem := uint32(version)
	for i := 0; i < 12; i++ {
		rem = rem<<1 ^ (rem>>11)*0x1F25
	}
	return uint32(version)<<12 | rem
}

func bit(v uint32, i int) bool { return v>>uint(i)&1 != 0 }

// drawFormatBits writes both copies of the format information (Figure 25).
// Bit 14 is the most significant.
func (m *matrix) drawFormatBits(mask int) {
	f := formatBits(mask)
	n := m.size
	// Copy around the top-left finder.
	for i := 0; i <= 5; i++ {
		m.setFn(8, i, bit(f, i))
	}
	m.setFn(8, 7, bit(f, 6))
	m.setFn(8, 8, bit(f, 7))
	m.setFn(7, 8, bit(f, 8))
	for i := 9; i < 15; i++ {
		m.setFn(14-i, 8, bit(f, i))
	}
	// Copy split between the top-right and bottom-left finders.
	for i := 0; i < 8; i++ {
		m.setFn(n-1-i, 8, bit(f, i))
	}
	for i := 8; i < 15; i++ {
		m.setFn(8, n-15+i, bit(f, i))
	}
	m.setFn(8, n-8, true) // the dark module
}

// drawVersion writes both copies of the version information for versions
// 7 and up (Figure 27).
func (m *matrix) drawVersion() {
	if m.ver < 7 {
		return
	}
	v := versionBits(m.ver)
	for i := 0; i < 18; i++ {
		a, b := m.size-11+i%3, i/3
		m.setFn(a, b, bit(v, i)) // top right, 6 wide × 3 high
		m.setFn(b, a, bit(v, i)) // bottom left, 3 wide × 6 high
	}
}

// drawCodewords places the codeword bits in the two-module-wide zigzag
// columns from the bottom-right corner (section 7.7.3), skipping function
// modules and the vertical timing column. Remainder bits stay light.
func (m *matrix) drawCodewords(cw []byte) {
	i, total := 0, len(cw)*8
	for right := m.size - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		upward := (right+1)&2 == 0
		for vert := 0; vert < m.size; vert++ {
			y := vert
			if upward {
				y = m.size - 1 - vert
			}
			for j := 0; j < 2; j++ {
				x := right - j
				if m.fn[y*m.size+x] || i >= total {
					continue
				}
				m.mod[y*m.size+x] = cw[i/8]>>(7-uint(i%8))&1 != 0
				i++
			}
		}
	}
}

// maskBit reports whether data mask pattern mask inverts the module at
// column x, row y (Table 10; i is the row, j the column there).
func maskBit(mask, x, y int) bool {
	switch mask {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (x/3+y/2)%2 == 0
	case 5:
		return x*y%2+x*y%3 == 0
	case 6:
		return (x*y%2+x*y%3)%2 == 0
	case 7:
		return ((x+y)%2+x*y%3)%2 == 0
	}
	panic("qr: bad mask")
}

// applyMask XORs the mask over every non-function module; applying the
// same mask twice restores the original.
func (m *matrix) applyMask(mask int) {
	for y := 0; y < m.size; y++ {
		for x := 0; x < m.size; x++ {
			if !m.fn[y*m.size+x] && maskBit(mask, x, y) {
				m.mod[y*m.size+x] = !m.mod[y*m.size+x]
			}
		}
	}
}

// Penalty weights N1–N4 (section 7.8.3.1).
const (
	penaltyN1 = 3
	penaltyN2 = 3
	penaltyN3 = 40
	penaltyN4 = 10
)

// penalty evaluates the masked symbol by the four rules of Table 11.
func (m *matrix) penalty() int {
	return m.penaltyRuns() + m.penaltyBlocks() + m.penaltyFinder() + m.penaltyBalance()
}

// line returns module i of row k (or of column k when vertical).
func (m *matrix) line(k, i int, vertical bool) bool {
	if vertical {
		return m.get(k, i)
	}
	return m.get(i, k)
}

// penaltyRuns is rule 1: N1 + (length - 5) for each run of five or more
// same-coloured modules in a row or column.
func (m *matrix) penaltyRuns() int {
	score := 0
	for _, vertical := range []bool{false, true} {
		for k := 0; k < m.size; k++ {
			run := 1
			for i := 1; i <= m.size; i++ {
				if i < m.size && m.line(k, i, vertical) == m.line(k, i-1, vertical) {
					run++
					continue
				}
				if run >= 5 {
					score += penaltyN1 + run - 5
				}
				run = 1
			}
		}
	}
	return score
}

// penaltyBlocks is rule 2: N2 for each 2×2 block of one colour
// (overlapping blocks each count).
func (m *matrix) penaltyBlocks() int {
	score := 0
	for y := 0; y+1 < m.size; y++ {
		for x := 0; x+1 < m.size; x++ {
			c := m.get(x, y)
			if c == m.get(x+1, y) && c == m.get(x, y+1) && c == m.get(x+1, y+1) {
				score += penaltyN2
			}
		}
	}
	return score
}

// penaltyFinder is rule 3: N3 for each dark-light-dark(3)-light-dark
// (1:1:3:1:1) pattern in a row or column with four light modules before
// or after it. Modules outside the symbol (the quiet zone) count as light.
func (m *matrix) penaltyFinder() int {
	score := 0
	for _, vertical := range []bool{false, true} {
		for k := 0; k < m.size; k++ {
			light := func(from, to int) bool {
				for i := max(from, 0); i < min(to, m.size); i++ {
					if m.line(k, i, vertical) {
						return false
					}
				}
				return true
			}
			for i := 0; i+7 <= m.size; i++ {
				if finderLike(func(j int) bool { return m.line(k, i+j, vertical) }) &&
					(light(i-4, i) || light(i+7, i+11)) {
					score += penaltyN3
				}
			}
		}
	}
	return score
}

// penaltyBalance is rule 4: N4 for each full 5% step by which the
// proportion of dark modules deviates from 50%.
func (m *matrix) penaltyBalance() int {
	dark := 0
	for _, d := range m.mod {
		if d {
			dark++
		}
	}
	total := len(m.mod)
	return abs(2*dark-total) * 10 / total * penaltyN4
}

// finderLike reports whether modules 0..6 read dark, light, dark, dark,
// dark, light, dark.
func finderLike(mod func(int) bool) bool {
	return mod(0) && !mod(1) && mod(2) && mod(3) && mod(4) && !mod(5) && mod(6)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
