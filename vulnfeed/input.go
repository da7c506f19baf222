package vulnfeed

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"strconv"
)

// errTooLarge stops a read past the size limit.
var errTooLarge = errors.New("input larger than the limit")

// limitReader passes at most limit bytes and fails with errTooLarge when the
// source has more; unlike io.LimitReader it does not end silently.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if int64(n) > l.left {
		n, l.left = int(l.left), -1 // pass what fits, then fail
		return n, errTooLarge
	}
	l.left -= int64(n)
	return n, err
}

// gzipReader marks the errors of the gzip layer, so that they are told apart
// from the JSON or CSV text ending early.
type gzipReader struct{ r io.Reader }

type gzipError struct{ err error }

func (e *gzipError) Error() string { return e.err.Error() }
func (e *gzipError) Unwrap() error { return e.err }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = &gzipError{err}
	}
	return n, err
}

// input is a feed file opened for reading: decompressed when it starts with
// the gzip magic bytes, capped at a size, and past a UTF-8 byte-order mark.
type input struct {
	*bufio.Reader
	gzipped bool
	bom     int64 // bytes of byte-order mark skipped
	limit   int64
}

const bufSize = 64 << 10

func openInput(r io.Reader, limit int64) (*input, error) {
	raw := bufio.NewReaderSize(r, bufSize)
	in := &input{limit: limit}
	var src io.Reader = raw
	magic, err := raw.Peek(2)
	if err != nil && err != io.EOF {
		return nil, in.fail(err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		in.gzipped = true
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, in.fail(&gzipError{err})
		}
		src = gzipReader{zr}
	}
	in.Reader = bufio.NewReaderSize(&limitReader{r: src, left: limit}, bufSize)
	if b, err := in.Peek(3); err == nil && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		in.Discard(3)
		in.bom = 3
	} else if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, in.fail(err)
	}
	return in, nil
}

// fail classifies a read error: the size limit, broken gzip, or I/O.
// The caller sets the feed and the position.
func (in *input) fail(err error) *Error {
	var gz *gzipError
	switch {
	case errors.Is(err, errTooLarge):
		return &Error{Code: CodeTooLarge, Entry: -1, Offset: -1, Args: []any{in.limit}, Err: err,
			msg: "the file is larger than " + sizeText(in.limit) + " (after decompression)"}
	case errors.As(err, &gz):
		return &Error{Code: CodeGzip, Entry: -1, Offset: -1, Err: err, msg: "the gzip data is corrupt or truncated: " + err.Error()}
	}
	return &Error{Code: CodeRead, Entry: -1, Offset: -1, Err: err, msg: "the file could not be read: " + err.Error()}
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
