package service

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ReadFile reads a file a setting names, of at most max bytes. Anything
// but a regular file is refused before it is opened: opening a FIFO or a
// device could block the start for ever, out of reach of a stop signal.
func ReadFile(path string, max int64) ([]byte, error) {
	if err := regular(os.Stat(path)); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := regular(f.Stat()); err != nil { // it may have changed since
		return nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > max {
		return nil, fmt.Errorf("%s: over %d KiB", path, max>>10)
	}
	return raw, nil
}

func regular(fi os.FileInfo, err error) error {
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return errors.New(fi.Name() + ": not a regular file")
	}
	return nil
}
