package qr

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// gfMulSlow multiplies in GF(2^8) mod 0x11D bit by bit, independently of
// the log/antilog tables.
func gfMulSlow(a, b byte) byte {
	var p byte
	for b != 0 {
		if b&1 != 0 {
			p ^= a
		}
		hi := a & 0x80
		a <<= 1
		if hi != 0 {
			a ^= 0x1D
		}
		b >>= 1
	}
	return p
}

func TestGFMul(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			if got, want := gfMul(byte(a), byte(b)), gfMulSlow(byte(a), byte(b)); got != want {
				t.Fatalf("gfMul(%d,%d) = %d, want %d", a, b, got, want)
			}
		}
	}
}

// slowGenerator multiplies out (x - α^0)…(x - α^(n-1)) with gfMulSlow.
func slowGenerator(n int) []byte {
	g := []byte{1}
	alpha := byte(1)
	for i := 0; i < n; i++ {
		next := make([]byte, len(g)+1)
		for j, c := range g {
			next[j] ^= c
			next[j+1] ^= gfMulSlow(c, alpha)
		}
		g = next
		alpha = gfMulSlow(alpha, 2)
	}
	return g
}

// slowRemainder is textbook polynomial long division of data·x^n by gen.
func slowRemainder(data, gen []byte) []byte {
	n := len(gen) - 1
	msg := append(append([]byte(nil), data...), make([]byte, n)...)
	for i := 0; i < len(data); i++ {
		coef := msg[i]
		if coef == 0 {
			continue
		}
		for j, g := range gen {
			msg[i+j] ^= gfMulSlow(g, coef)
		}
	}
	return msg[len(data):]
}

func TestGeneratorDegree10(t *testing.T) {
	// Generator polynomial for 10 EC codewords as exponents of α, from the
	// generator polynomial table (ISO/IEC 18004 Annex A):
	// x^10 + α^251 x^9 + α^67 x^8 + α^46 x^7 + α^61 x^6 + α^118 x^5
	//      + α^70 x^4 + α^64 x^3 + α^94 x^2 + α^32 x + α^45
	wantExp := []int{0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45}
	g := rsGenerator(10)
	if len(g) != len(wantExp) {
		t.Fatalf("degree %d", len(g)-1)
	}
	for i, e := range wantExp {
		if g[i] != gfExp[e] || int(gfLog[g[i]]) != e {
			t.Errorf("coefficient %d = %d (α^%d), want α^%d", i, g[i], gfLog[g[i]], e)
		}
	}
}

func TestGeneratorMatchesSlow(t *testing.T) {
	for _, n := range []int{7, 10, 16, 18, 22, 24, 26, 30} {
		if got, want := rsGenerator(n), slowGenerator(n); !bytes.Equal(got, want) {
			t.Errorf("degree %d: %x, want %x", n, got, want)
		}
	}
}

func TestRemainderISOExample(t *testing.T) {
	// ISO/IEC 18004 Annex I: "01234567" as 1-M. The data codewords (numeric
	// mode, padded) and the resulting 10 error correction codewords.
	data := []byte{0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11,
		0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11}
	want := []byte{0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55}
	if got := rsRemainder(data, rsGenerator(10)); !bytes.Equal(got, want) {
		t.Errorf("EC = % X, want % X", got, want)
	}
	if got := slowRemainder(data, slowGenerator(10)); !bytes.Equal(got, want) {
		t.Errorf("slow EC = % X, want % X", got, want)
	}
}

func TestRemainderMatchesSlowDivision(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{10, 16, 18, 22, 24, 26} {
		gen := rsGenerator(n)
		for trial := 0; trial < 50; trial++ {
			data := make([]byte, 1+r.IntN(60))
			for i := range data {
				data[i] = byte(r.UintN(256))
			}
			got := rsRemainder(data, gen)
			if want := slowRemainder(data, slowGenerator(n)); !bytes.Equal(got, want) {
				t.Fatalf("n=%d data=%x: % X, want % X", n, data, got, want)
			}
			// data‖EC is a codeword: it vanishes at α^0…α^(n-1).
			if s := syndromes(append(append([]byte(nil), data...), got...), n); s != nil {
				t.Fatalf("n=%d: non-zero syndromes %v", n, s)
			}
		}
	}
}

// syndromes evaluates the codeword polynomial cw (highest power first) at
// α^0…α^(n-1) with gfMulSlow and returns nil if all are zero.
func syndromes(cw []byte, n int) []byte {
	var out []byte
	nonzero := false
	alpha := byte(1)
	for i := 0; i < n; i++ {
		var v byte
		for _, c := range cw {
			v = gfMulSlow(v, alpha) ^ c
		}
		out = append(out, v)
		nonzero = nonzero || v != 0
		alpha = gfMulSlow(alpha, 2)
	}
	if !nonzero {
		return nil
	}
	return out
}
