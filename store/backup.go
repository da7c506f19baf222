package store

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// Backup writes a consistent copy of the SQLite database to dest while the
// server keeps running (VACUUM INTO reads one snapshot). On PostgreSQL use pg_dump.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if s.engine != SQLite {
		return fmt.Errorf("backup: the built-in backup serves SQLite; on PostgreSQL use pg_dump (see README)")
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists", dest)
	}
	if strings.ContainsAny(dest, "'\x00") {
		return fmt.Errorf("backup: unsupported character in path %q", dest)
	}
	_, err := s.read.ExecContext(ctx, "VACUUM INTO '"+dest+"'")
	return err
}
