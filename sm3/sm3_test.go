package sm3

import (
	"bytes"
	"encoding/hex"
	"hash"
	"strings"
	"testing"
)

// Compile-time check that the returned hash satisfies hash.Hash.
var _ hash.Hash = New()

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Example vectors from GB/T 32905-2016, Appendix A.
var standardVectors = []struct {
	name string
	in   string
	want string
}{
	{"A.1 abc", "abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
	{"A.2 abcd*16", strings.Repeat("abcd", 16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
}

func TestStandardVectors(t *testing.T) {
	for _, v := range standardVectors {
		t.Run(v.name, func(t *testing.T) {
			want := mustHex(t, v.want)
			got := Sum([]byte(v.in))
			if !bytes.Equal(got[:], want) {
				t.Errorf("Sum(%q) = %x, want %s", v.in, got, v.want)
			}
			h := New()
			h.Write([]byte(v.in))
			if got := h.Sum(nil); !bytes.Equal(got, want) {
				t.Errorf("New().Sum(%q) = %x, want %s", v.in, got, v.want)
			}
		})
	}
}

// patterned returns n bytes with value i%251, to exercise padding boundaries.
func patterned(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// Digests of patterned(n), produced independently with OpenSSL 3
// ("openssl dgst -sm3"), chosen around the 55/56/64-byte padding boundaries.
// The empty-message and one-million-'a' digests are also widely published.
var boundaryVectors = []struct {
	n    int
	want string
}{
	{0, "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"},
	{1, "2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf"},
	{55, "a79cf9dcee3404abf7f769698201647fd9d3ff61d629d0f58bb4b5579a427db8"},
	{56, "62f7363b15f4de76dd925c493b9d6d00d4ba0ef2a1f334c1d0f13b293aeb40d1"},
	{63, "6165e4cbb15cde01c6226e0015a47f710f8f8e1f2c296700033bb34d9212109c"},
	{64, "93566f236d157aae078d1ddb5cebdbba1520b5142e22a8915564345ba2ae1d63"},
	{65, "c886e6814be748285a10b28ae62ddacd85db830cd2cf3a2bfa2f729c15f63618"},
	{119, "8f3ea392a89a7119982d6634660db1a95f35d68267a2235e3255998a857f4fbf"},
	{120, "6babee35e6a1515af9d6255109c24f3c08897829422c6225d235fd4c8527e9ec"},
	{1000, "b38fc481302b502c3f2f6608d060c47c5b6bd8fd65e148b7cd3af4988245f48a"},
}

func TestBoundaryVectors(t *testing.T) {
	for _, v := range boundaryVectors {
		got := Sum(patterned(v.n))
		if hex.EncodeToString(got[:]) != v.want {
			t.Errorf("len %d: got %x, want %s", v.n, got, v.want)
		}
	}
}

func TestMillionA(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	const want = "c8aaf89429554029e231941a2acc0ad61ff2a5acd8fadd25847a3a732b3b02c3"
	h := New()
	chunk := bytes.Repeat([]byte{'a'}, 1000)
	for i := 0; i < 1000; i++ {
		h.Write(chunk)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Errorf("SM3(a*1e6) = %s, want %s", got, want)
	}
}

func TestIncrementalOddChunks(t *testing.T) {
	msg := patterned(1000)
	want := Sum(msg)
	for _, chunk := range []int{1, 3, 7, 13, 31, 63, 64, 65, 127, 999} {
		h := New()
		for rest := msg; len(rest) > 0; {
			n := min(chunk, len(rest))
			if k, err := h.Write(rest[:n]); k != n || err != nil {
				t.Fatalf("Write returned (%d, %v), want (%d, nil)", k, err, n)
			}
			rest = rest[n:]
		}
		if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
			t.Errorf("chunk %d: got %x, want %x", chunk, got, want)
		}
	}
}

func TestSumDoesNotChangeState(t *testing.T) {
	msg := []byte(strings.Repeat("abcd", 16))
	h := New()
	h.Write(msg[:10])
	_ = h.Sum(nil) // intermediate sum must not disturb the state
	h.Write(msg[10:])
	want := mustHex(t, standardVectors[1].want)
	if got := h.Sum(nil); !bytes.Equal(got, want) {
		t.Errorf("got %x, want %x", got, want)
	}
	// Sum appends to its argument.
	prefix := []byte("prefix")
	if got := h.Sum(prefix); !bytes.Equal(got[:6], prefix) || !bytes.Equal(got[6:], want) {
		t.Errorf("Sum(prefix) = %x", got)
	}
}

func TestReset(t *testing.T) {
	h := New()
	h.Write([]byte("some unrelated data that spans more than one block......................"))
	h.Reset()
	h.Write([]byte("abc"))
	want := mustHex(t, standardVectors[0].want)
	if got := h.Sum(nil); !bytes.Equal(got, want) {
		t.Errorf("after Reset: got %x, want %x", got, want)
	}
	h.Reset()
	empty := mustHex(t, boundaryVectors[0].want)
	if got := h.Sum(nil); !bytes.Equal(got, empty) {
		t.Errorf("empty after Reset: got %x, want %x", got, empty)
	}
}

func TestSizes(t *testing.T) {
	h := New()
	if h.Size() != Size || Size != 32 {
		t.Errorf("Size = %d/%d, want 32", h.Size(), Size)
	}
	if h.BlockSize() != BlockSize || BlockSize != 64 {
		t.Errorf("BlockSize = %d/%d, want 64", h.BlockSize(), BlockSize)
	}
}

func BenchmarkSum1K(b *testing.B) { benchmarkSize(b, 1024) }
func BenchmarkSum8K(b *testing.B) { benchmarkSize(b, 8192) }
func BenchmarkSum64(b *testing.B) { benchmarkSize(b, 64) }

func benchmarkSize(b *testing.B, n int) {
	buf := patterned(n)
	h := New()
	sum := make([]byte, 0, Size)
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		h.Reset()
		h.Write(buf)
		h.Sum(sum[:0])
	}
}
