// Package sm3 implements the SM3 cryptographic hash function defined in
// GB/T 32905-2016 (also published as GM/T 0004-2012 and ISO/IEC 10118-3:2018).
//
// SM3 produces a 256-bit digest from a message processed in 512-bit blocks,
// using Merkle–Damgård padding identical in layout to SHA-256.
package sm3

import (
	"encoding/binary"
	"hash"
	"math/bits"
)

// Size is the size of an SM3 checksum in bytes.
const Size = 32

// BlockSize is the block size of SM3 in bytes.
const BlockSize = 64

// Initial value IV from section 4.1 of the standard.
const (
	iv0 = 0x7380166f
	iv1 = 0x4914b2b9
	iv2 = 0x172442d7
	iv3 = 0xda8a0600
	iv4 = 0xa96f30bc
	iv5 = 0x163138aa
	iv6 = 0xe38dee4d
	iv7 = 0xb0fb0e4e
)

// Round constants T_j (section 4.2).
const (
	t0 = 0x79cc4519 // 0 <= j <= 15
	t1 = 0x7a879d8a // 16 <= j <= 63
)

// tRot holds T_j <<< (j mod 32) for every round, precomputed.
var tRot = func() (t [64]uint32) {
	for j := 0; j < 64; j++ {
		c := uint32(t0)
		if j >= 16 {
			c = t1
		}
		t[j] = bits.RotateLeft32(c, j%32)
	}
	return t
}()

// digest is the running state of an SM3 computation.
type digest struct {
	h   [8]uint32
	x   [BlockSize]byte // buffered partial block
	nx  int             // number of bytes buffered in x
	len uint64          // total message length in bytes
}

// New returns a new hash.Hash computing the SM3 checksum.
func New() hash.Hash {
	d := new(digest)
	d.Reset()
	return d
}

// Sum returns the SM3 checksum of data.
func Sum(data []byte) [Size]byte {
	var d digest
	d.Reset()
	d.Write(data)
	return d.checkSum()
}

func (d *digest) Reset() {
	d.h = [8]uint32{iv0, iv1, iv2, iv3, iv4, iv5, iv6, iv7}
	d.nx = 0
	d.len = 0
}

func (d *digest) Size() int { return Size }

func (d *digest) BlockSize() int { return BlockSize }

// Write absorbs p into the hash state. It never returns an error.
func (d *digest) Write(p []byte) (int, error) {
	n := len(p)
	d.len += uint64(n)
	if d.nx > 0 {
		c := copy(d.x[d.nx:], p)
		d.nx += c
		p = p[c:]
		if d.nx == BlockSize {
			block(&d.h, d.x[:])
			d.nx = 0
		}
	}
	if len(p) >= BlockSize {
		full := len(p) &^ (BlockSize - 1)
		block(&d.h, p[:full])
		p = p[full:]
	}
	if len(p) > 0 {
		d.nx = copy(d.x[:], p)
	}
	return n, nil
}

// Sum appends the current checksum to b. It does not change the state, so
// more data may be written afterwards.
func (d *digest) Sum(b []byte) []byte {
	d0 := *d // work on a copy so the caller can keep writing
	sum := d0.checkSum()
	return append(b, sum[:]...)
}

func (d *digest) checkSum() [Size]byte {
	msgBits := d.len << 3

	// Padding: a single 1 bit, zeros up to 56 mod 64 bytes, then the
	// message length in bits as a 64-bit big-endian integer.
	var tmp [BlockSize + 8]byte
	tmp[0] = 0x80
	var padLen int
	if d.len%BlockSize < 56 {
		padLen = int(56 - d.len%BlockSize)
	} else {
		padLen = int(BlockSize + 56 - d.len%BlockSize)
	}
	binary.BigEndian.PutUint64(tmp[padLen:], msgBits)
	d.Write(tmp[:padLen+8])
	if d.nx != 0 {
		panic("sm3: internal error: buffer not empty after padding")
	}

	var out [Size]byte
	for i, v := range d.h {
		binary.BigEndian.PutUint32(out[i*4:], v)
	}
	return out
}

func p0(x uint32) uint32 { return x ^ bits.RotateLeft32(x, 9) ^ bits.RotateLeft32(x, 17) }

func p1(x uint32) uint32 { return x ^ bits.RotateLeft32(x, 15) ^ bits.RotateLeft32(x, 23) }

// block runs the compression function CF over every complete 64-byte block
// of p (len(p) must be a multiple of BlockSize).
func block(h *[8]uint32, p []byte) {
	var w [68]uint32
	for len(p) >= BlockSize {
		// Message expansion (section 5.3.2).
		for j := 0; j < 16; j++ {
			w[j] = binary.BigEndian.Uint32(p[4*j:])
		}
		for j := 16; j < 68; j++ {
			w[j] = p1(w[j-16]^w[j-9]^bits.RotateLeft32(w[j-3], 15)) ^
				bits.RotateLeft32(w[j-13], 7) ^ w[j-6]
		}

		a, b, c, dd, e, f, g, hh := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]

		// Compression (section 5.3.3). W'_j = W_j xor W_{j+4}.
		for j := 0; j < 16; j++ {
			a12 := bits.RotateLeft32(a, 12)
			ss1 := bits.RotateLeft32(a12+e+tRot[j], 7)
			ss2 := ss1 ^ a12
			tt1 := (a ^ b ^ c) + dd + ss2 + (w[j] ^ w[j+4])
			tt2 := (e ^ f ^ g) + hh + ss1 + w[j]
			dd = c
			c = bits.RotateLeft32(b, 9)
			b = a
			a = tt1
			hh = g
			g = bits.RotateLeft32(f, 19)
			f = e
			e = p0(tt2)
		}
		for j := 16; j < 64; j++ {
			a12 := bits.RotateLeft32(a, 12)
			ss1 := bits.RotateLeft32(a12+e+tRot[j], 7)
			ss2 := ss1 ^ a12
			tt1 := ((a & b) | (a & c) | (b & c)) + dd + ss2 + (w[j] ^ w[j+4])
			tt2 := ((e & f) | (^e & g)) + hh + ss1 + w[j]
			dd = c
			c = bits.RotateLeft32(b, 9)
			b = a
			a = tt1
			hh = g
			g = bits.RotateLeft32(f, 19)
			f = e
			e = p0(tt2)
		}

		h[0] ^= a
		h[1] ^= b
		h[2] ^= c
		h[3] ^= dd
		h[4] ^= e
		h[5] ^= f
		h[6] ^= g
		h[7] ^= hh

		p = p[BlockSize:]
	}
}
