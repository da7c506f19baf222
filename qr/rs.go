package qr

// Reed–Solomon error correction over GF(2^8) as used by QR Code
// (ISO/IEC 18004 section 7.5.2): the field is built from the primitive
// polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), and the generator
// polynomial of degree n is (x - α^0)(x - α^1)…(x - α^(n-1)) with α = 2.

const gfPoly = 0x11D

var gfExp, gfLog = func() (exp [512]byte, log [256]byte) {
	x := 1
	for i := 0; i < 255; i++ {
		exp[i] = byte(x)
		log[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= gfPoly
		}
	}
	// Duplicate so gfMul can index exp[log a + log b] without a modulo.
	for i := 255; i < 512; i++ {
		exp[i] = exp[i-255]
	}
	return exp, log
}()

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

// rsGenerator returns the coefficients of the monic generator polynomial of
// the given degree, highest power first; the leading 1 is included, so the
// result has degree+1 entries.
func rsGenerator(degree int) []byte {
	g := []byte{1}
	for i := 0; i < degree; i++ {
		// Multiply g by (x - α^i); in GF(2^8) subtraction is XOR.
		next := make([]byte, len(g)+1)
		root := gfExp[i]
		for j, c := range g {
			next[j] ^= c
			next[j+1] ^= gfMul(c, root)
		}
		g = next
	}
	return g
}

// rsRemainder returns the len(gen)-1 error correction codewords for data:
// the remainder of data(x)·x^n divided by gen(x).
func rsRemainder(data, gen []byte) []byte {
	n := len(gen) - 1
	rem := make([]byte, n)
	for _, b := range data {
		factor := b ^ rem[0]
		copy(rem, rem[1:])
		rem[n-1] = 0
		for i := 0; i < n; i++ {
			rem[i] ^= gfMul(gen[i+1], factor)
		}
	}
	return rem
}
