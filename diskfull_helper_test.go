package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The server process of TestDiskFull and the two ways it runs out of space. The parent
// sends "fill" and "free" on stdin and reads one answer per command on file descriptor 3;
// closing stdin shuts the server down, after which the helper copies the database file
// to the path it was given, so the parent can check the file and restart on it (a tmpfs
// disappears with the helper's mount namespace).

// diskFullHelperArg, as the first argument after the test flags, makes TestDiskFullHelper
// run the server; the second argument is the mode ("tmpfs" or "fsize"), the third the path
// the database file is copied to on exit.
const diskFullHelperArg = "diskfull-helper"

// TestDiskFullHelper is the server process of TestDiskFull (a no-op in a normal run).
func TestDiskFullHelper(t *testing.T) {
	args := flag.Args()
	if len(args) != 3 || args[0] != diskFullHelperArg {
		return
	}
	ctl := os.NewFile(3, "control")
	dir := os.Getenv("DATA_DIR")
	disk, err := newFullDisk(args[1], dir)
	if err != nil {
		fmt.Fprintln(ctl, "unavailable:", err)
		os.Exit(4)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, os.Stderr) }()
	fmt.Fprintln(ctl, "ok serving")
	for in := bufio.NewScanner(os.Stdin); in.Scan(); {
		var msg string
		switch in.Text() {
		case "fill":
			msg, err = disk.fill()
		case "free":
			msg, err = disk.free()
		default:
			err = fmt.Errorf("unknown command %q", in.Text())
		}
		if err != nil {
			fmt.Fprintln(ctl, "error:", err)
		} else {
			fmt.Fprintln(ctl, "ok", msg)
		}
	}
	cancel()
	code := 0
	if err := <-served; err != nil {
		fmt.Fprintln(os.Stderr, "diskfull helper: serve:", err)
		code = 3
	}
	if _, err := disk.free(); err != nil {
		fmt.Fprintln(os.Stderr, "diskfull helper: free:", err)
		code = 3
	}
	if err := copyFile(filepath.Join(dir, dbFileName), args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "diskfull helper: keep the file:", err)
		code = 3
	}
	os.Exit(code)
}

// fullDisk makes the database's storage run out of space and gives it back.
type fullDisk interface {
	fill() (string, error)
	free() (string, error)
}

// newFullDisk prepares dir for mode: "tmpfs" mounts a small tmpfs over it (only in a
// mount namespace of its own, which the parent created), "fsize" needs nothing yet.
func newFullDisk(mode, dir string) (fullDisk, error) {
	switch mode {
	case "tmpfs":
		self, err1 := os.Readlink("/proc/self/ns/mnt")
		parent, err2 := os.Readlink(fmt.Sprintf("/proc/%d/ns/mnt", os.Getppid()))
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		if self == parent {
			// Never mount over a directory the rest of the machine sees.
			return nil, errors.New("not in a mount namespace of its own")
		}
		if err := syscall.Mount("alertifypro-diskfull", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV,
			"size=16m,mode=0700"); err != nil {
			return nil, fmt.Errorf("mount a tmpfs on %s: %w", dir, err)
		}
		return &tmpfsDisk{ballast: filepath.Join(dir, "ballast")}, nil
	case "fsize":
		return &fsizeDisk{db: filepath.Join(dir, dbFileName)}, nil
	}
	return nil, fmt.Errorf("unknown mode %q", mode)
}

// tmpfsDisk fills the filesystem with a ballast file until the kernel answers ENOSPC,
// like another program filling the disk; removing the ballast frees the space.
type tmpfsDisk struct{ ballast string }

func (d *tmpfsDisk) fill() (string, error) {
	f, err := os.OpenFile(d.ballast, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var written int64
	for _, chunk := range []int{1 << 20, 4096} { // large steps, then page by page to the last page
		buf := make([]byte, chunk)
		for {
			n, err := f.Write(buf)
			written += int64(n)
			if errors.Is(err, syscall.ENOSPC) {
				break
			} else if err != nil {
				return "", err
			}
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(d.ballast), &st); err != nil {
		return "", err
	}
	return fmt.Sprintf("ballast of %d bytes; %d bytes left", written, st.Bavail*uint64(st.Bsize)), nil
}

func (d *tmpfsDisk) free() (string, error) {
	if err := os.Remove(d.ballast); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	return "ballast removed", nil
}

// fsizeDisk lowers the process's file size limit (RLIMIT_FSIZE) to the end of the pages
// the database file uses: bbolt's writes of pages below it succeed, a write past it fails
// with EFBIG (Go ignores the SIGXFSZ that comes with it). The file itself is sparse and
// larger (bbolt grows it ahead in steps), so the limit, not the file's length, is the wall.
type fsizeDisk struct {
	db    string
	saved *syscall.Rlimit
}

func (d *fsizeDisk) fill() (string, error) {
	used, err := pagesInUse(d.db)
	if err != nil {
		return "", err
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		return "", err
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: uint64(used), Max: old.Max}); err != nil {
		return "", err
	}
	d.saved = &old
	return fmt.Sprintf("file size limit %d bytes", used), nil
}

func (d *fsizeDisk) free() (string, error) {
	if d.saved == nil {
		return "no limit set", nil
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, d.saved); err != nil {
		return "", err
	}
	d.saved = nil
	return "file size limit lifted", nil
}

// pagesInUse reads bbolt's two meta pages (layout: a 16-byte page header, then magic,
// version, page size, flags, root bucket, sequence, freelist, high-water page id, txid,
// checksum) and returns the bytes below the high-water mark of the newer valid one.
func pagesInUse(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	best, bestTx := int64(-1), uint64(0)
	pageSize := int64(4096)
	for i := range int64(2) {
		buf := make([]byte, 80)
		if _, err := f.ReadAt(buf, i*pageSize); err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		meta := buf[16:]
		sum := fnv.New64a()
		sum.Write(meta[:56])
		if sum.Sum64() != binary.LittleEndian.Uint64(meta[56:]) {
			continue // being written, or the other one is current
		}
		if i == 0 {
			pageSize = int64(binary.LittleEndian.Uint32(meta[8:]))
		}
		pgid, txid := binary.LittleEndian.Uint64(meta[40:]), binary.LittleEndian.Uint64(meta[48:])
		if best < 0 || txid > bestTx {
			best, bestTx = int64(pgid)*pageSize, txid
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("%s: no valid meta page", path)
	}
	return best, nil
}

// copyFile copies src to dst (created or truncated).
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
