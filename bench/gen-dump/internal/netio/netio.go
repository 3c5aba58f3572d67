// Package netio reads framed messages from sockets and pipes.
package netio

import (
	"bufio"
	"encoding/binary"
	"io"

	"example.com/shop/internal/ready"
)

// Frame is one length-prefixed message.
type Frame struct {
	Len     uint32
	Payload []byte
}

// FrameReader reads length-prefixed frames.
type FrameReader struct {
	br *bufio.Reader
}

// NewFrameReader wraps r.
func NewFrameReader(r io.Reader) *FrameReader {
	return &FrameReader{br: bufio.NewReaderSize(r, 4096)}
}

// Next reads one frame.
func (fr *FrameReader) Next() (*Frame, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(fr.br, hdr[:]); err != nil {
		return nil, err
	}
	f := &Frame{Len: binary.BigEndian.Uint32(hdr[:])}
	f.Payload = make([]byte, f.Len)
	_, err := io.ReadFull(fr.br, f.Payload)
	return f, err
}

// Consume reads frames until an error and hands them to fn.
func Consume(r io.Reader, fn func(*Frame)) error {
	fr := NewFrameReader(r)
	ready.Done()
	for {
		f, err := fr.Next()
		if err != nil {
			return err
		}
		fn(f)
	}
}
