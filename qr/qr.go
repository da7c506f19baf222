// Package qr is a minimal QR Code (ISO/IEC 18004) encoder: byte-mode data,
// error correction level M, versions 1 to 10 (up to 213 bytes), with the
// mask chosen by the standard's penalty rules. It exists so pages such as
// TOTP enrolment can show a scannable code without a third-party
// dependency.
package qr

import (
	"errors"
	"fmt"
	"strings"
)

// MaxBytes is the largest payload Encode accepts (version 10-M, byte mode).
const MaxBytes = 213

// ErrTooLong is returned by Encode for data longer than MaxBytes.
var ErrTooLong = errors.New("qr: data too long")

// versionInfo describes one version at error correction level M
// (ISO/IEC 18004:2015 Table 9).
type versionInfo struct {
	ecPerBlock int      // error correction codewords in each block
	groups     [][2]int // (number of blocks, data codewords per block)
	align      []int    // alignment pattern centre coordinates (Annex E)
}

var versions = [11]versionInfo{
	1:  {10, [][2]int{{1, 16}}, nil},
	2:  {16, [][2]int{{1, 28}}, []int{6, 18}},
	3:  {26, [][2]int{{1, 44}}, []int{6, 22}},
	4:  {18, [][2]int{{2, 32}}, []int{6, 26}},
	5:  {24, [][2]int{{2, 43}}, []int{6, 30}},
	6:  {16, [][2]int{{4, 27}}, []int{6, 34}},
	7:  {18, [][2]int{{4, 31}}, []int{6, 22, 38}},
	8:  {22, [][2]int{{2, 38}, {2, 39}}, []int{6, 24, 42}},
	9:  {22, [][2]int{{3, 36}, {2, 37}}, []int{6, 26, 46}},
	10: {26, [][2]int{{4, 43}, {1, 44}}, []int{6, 28, 50}},
}

const maxVersion = 10

func (v versionInfo) dataCodewords() int {
	n := 0
	for _, g := range v.groups {
		n += g[0] * g[1]
	}
	return n
}

// countBits is the width of the byte-mode character count indicator.
func countBits(version int) int {
	if version <= 9 {
		return 8
	}
	return 16
}

// capacity is the number of bytes version can hold in byte mode at level M.
func capacity(version int) int {
	return (versions[version].dataCodewords()*8 - 4 - countBits(version)) / 8
}

// chooseVersion returns the smallest version that holds n bytes.
func chooseVersion(n int) (int, error) {
	for v := 1; v <= maxVersion; v++ {
		if n <= capacity(v) {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLong, n, MaxBytes)
}

// Code is an encoded QR Code symbol.
type Code struct {
	// Size is the number of modules along each side, without quiet zone.
	Size int

	version int
	mask    int
	modules []bool // row-major, true = dark
}

// Module reports whether the module at column x, row y is dark. Coordinates
// outside the symbol (the quiet zone) are light.
func (c *Code) Module(x, y int) bool {
	if x < 0 || y < 0 || x >= c.Size || y >= c.Size {
		return false
	}
	return c.modules[y*c.Size+x]
}

// Encode returns the QR Code for data in byte mode at error correction
// level M, using the smallest version (1–10) that fits.
func Encode(data []byte) (*Code, error) {
	return encodeMask(data, -1)
}

// encodeMask encodes data with the given mask (0–7), or with the mask of
// lowest penalty when mask is -1.
func encodeMask(data []byte, mask int) (*Code, error) {
	version, err := chooseVersion(len(data))
	if err != nil {
		return nil, err
	}
	codewords := interleave(version, dataCodewords(version, data))
	m := newMatrix(version)
	m.drawFunctionPatterns()
	m.drawCodewords(codewords)

	best := mask
	if best < 0 {
		best = m.chooseMask()
	}
	m.applyMask(best)
	m.drawFormatBits(best)

	return &Code{Size: m.size, version: version, mask: best, modules: m.mod}, nil
}

// chooseMask returns the mask whose result has the lowest penalty score,
// the lowest-numbered one on a tie (section 7.8.3).
func (m *matrix) chooseMask() int {
	best, bestPenalty := 0, -1
	for mask := 0; mask < 8; mask++ {
		m.applyMask(mask)
		m.drawFormatBits(mask)
		if p := m.penalty(); bestPenalty < 0 || p < bestPenalty {
			best, bestPenalty = mask, p
		}
		m.applyMask(mask) // XOR again to undo
	}
	return best
}

// bitBuffer accumulates bits most significant first.
type bitBuffer struct {
	bytes []byte
	n     int // number of bits
}

func (b *bitBuffer) append(v uint32, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if b.n%8 == 0 {
			b.bytes = append(b.bytes, 0)
		}
		if v>>uint(i)&1 != 0 {
			b.bytes[b.n/8] |= 0x80 >> uint(b.n%8)
		}
		b.n++
	}
}

// dataCodewords builds the data codeword sequence (section 7.4): mode
// indicator, character count, data, terminator and pad codewords.
func dataCodewords(version int, data []byte) []byte {
	capBits := versions[version].dataCodewords() * 8
	var b bitBuffer
	b.append(0b0100, 4) // byte mode
	b.append(uint32(len(data)), countBits(version))
	for _, d := range data {
		b.append(uint32(d), 8)
	}
	b.append(0, min(4, capBits-b.n)) // terminator
	if r := b.n % 8; r != 0 {
		b.append(0, 8-r)
	}
	for pad := uint32(0xEC); b.n < capBits; pad ^= 0xEC ^ 0x11 {
		b.append(pad, 8)
	}
	return b.bytes
}

// interleave splits data into blocks, appends each block's error
// correction codewords and interleaves the result (section 7.6).
func interleave(version int, data []byte) []byte {
	vi := versions[version]
	gen := rsGenerator(vi.ecPerBlock)
	var blocks, ecs [][]byte
	for _, g := range vi.groups {
		for i := 0; i < g[0]; i++ {
			blk := data[:g[1]]
			data = data[g[1]:]
			blocks = append(blocks, blk)
			ecs = append(ecs, rsRemainder(blk, gen))
		}
	}
	var out []byte
	longest := vi.groups[len(vi.groups)-1][1]
	for i := 0; i < longest; i++ {
		for _, blk := range blocks {
			if i < len(blk) {
				out = append(out, blk[i])
			}
		}
	}
	for i := 0; i < vi.ecPerBlock; i++ {
		for _, ec := range ecs {
			out = append(out, ec[i])
		}
	}
	return out
}

// SVG renders the code as a standalone SVG document with a 4-module quiet
// zone, black modules on a white background, each module moduleSize
// pixels wide (values below 1 are treated as 1).
func (c *Code) SVG(moduleSize int) string {
	if moduleSize < 1 {
		moduleSize = 1
	}
	const quiet = 4
	n := c.Size + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%d" height="%d" viewBox="0 0 %d %d" shape-rendering="crispEdges">`,
		n*moduleSize, n*moduleSize, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`, n, n)
	b.WriteString(`<path fill="#000000" d="`)
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; {
			if !c.Module(x, y) {
				x++
				continue
			}
			run := 1
			for c.Module(x+run, y) {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}
