package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/anbao/anbao"
)

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	var db dbFlags
	db.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := db.open(ctx, db.logger(stderr), true)
	if err != nil {
		return err
	}
	defer st.Close()
	applied, latest, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema at version %d (%d migrations applied; latest known %d) on %s\n", applied[len(applied)-1], len(applied), latest, st.Engine())
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", stderr)
	var db dbFlags
	db.register(fs)
	seed := fs.Uint64("seed", 2026, "seed: the same seed gives the same pilot")
	n := fs.Int("enterprises", 2000, "number of enterprises")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 20 || *n > 200000 {
		return fmt.Errorf("--enterprises must be between 20 and 200000")
	}
	log := db.logger(stderr)
	st, err := db.open(ctx, log, false)
	if err != nil {
		return err
	}
	defer st.Close()
	empty, err := st.IsEmpty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return errors.New("the database is not empty; the demo loads only into an empty one")
	}
	if _, err := loadDemo(ctx, st, *seed, *n, log); err != nil {
		return err
	}
	printDemoLogins(stdout, true)
	return nil
}

// readPassword takes a password from a file ("-" for standard input).
func readPassword(path string) (string, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func cmdUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "password") {
		return &exitError{2, errors.New("usage: anbao user create|password [flags]")}
	}
	sub := args[0]
	fs := newFlagSet("user "+sub, stderr)
	var db dbFlags
	db.register(fs)
	username := fs.String("username", "", "username (lower case)")
	pwFile := fs.String("password-file", "-", "file holding the password on its first line; - reads standard input")
	orgID := fs.Int64("org", 0, "organisation id (create)")
	operator := fs.Bool("operator", false, "create the platform operator organisation if missing and add the user to it (create)")
	role := fs.String("role", "admin", "comma-separated roles (create)")
	name := fs.String("name", "", "display name (create)")
	email := fs.String("email", "", "e-mail (create)")
	operatorUSCC := fs.String("operator-uscc", "", "USCC of the operator organisation (create --operator, first run)")
	operatorName := fs.String("operator-name", "网络安全保险服务试点支撑平台运营方", "Chinese name of the operator organisation (create --operator, first run)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *username == "" {
		return &exitError{2, errors.New("--username is required")}
	}
	pw, err := readPassword(*pwFile)
	if err != nil {
		return fmt.Errorf("read password: %w", err)
	}
	st, err := db.open(ctx, db.logger(stderr), true)
	if err != nil {
		return err
	}
	defer st.Close()
	sctx := systemCtx(ctx, "cli")
	if sub == "password" {
		if err := st.SetPassword(sctx, *username, pw); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "password of %s changed; their sessions were ended\n", *username)
		return nil
	}
	if *operator {
		list, err := st.ListOrganisations(sctx, anbao.OrgFilter{Kind: anbao.KindOperator})
		if err != nil {
			return err
		}
		if len(list.Items) > 0 {
			*orgID = list.Items[0].ID
		} else {
			if *operatorUSCC == "" {
				return &exitError{2, errors.New("no operator organisation yet: give --operator-uscc (and --operator-name) to create it")}
			}
			o, err := st.CreateOrganisation(sctx, &anbao.Organisation{Kind: anbao.KindOperator, USCC: *operatorUSCC, NameZH: *operatorName}, "")
			if err != nil {
				return describe(err)
			}
			*orgID = o.ID
			fmt.Fprintf(stdout, "created operator organisation %d %s\n", o.ID, o.NameZH)
		}
	}
	if *orgID == 0 {
		return &exitError{2, errors.New("give --org ID or --operator")}
	}
	var roles []anbao.Role
	for _, r := range strings.Split(*role, ",") {
		roles = append(roles, anbao.Role(strings.TrimSpace(r)))
	}
	u, err := st.CreateUser(sctx, *orgID, &anbao.User{Username: *username, DisplayName: *name, Email: *email, Roles: roles}, pw)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "created user %d %s in organisation %d with roles %v\n", u.ID, u.Username, u.OrgID, u.Roles)
	return nil
}

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return &exitError{2, errors.New("usage: anbao audit verify [flags]")}
	}
	fs := newFlagSet("audit verify", stderr)
	var db dbFlags
	db.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	st, err := db.open(ctx, db.logger(stderr), true)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.VerifyAudit(systemCtx(ctx, "cli"))
	if err != nil {
		return err
	}
	if !rep.OK {
		fmt.Fprintf(stdout, "audit chain BROKEN at entry %d: %s (%d entries checked)\n", rep.BrokenSeq, rep.Reason, rep.Entries)
		return &exitError{2, fmt.Errorf("audit chain broken at entry %d", rep.BrokenSeq)}
	}
	fmt.Fprintf(stdout, "audit chain OK: %d entries, head %d\n", rep.Entries, rep.HeadSeq)
	return nil
}

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", stderr)
	var db dbFlags
	db.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &exitError{2, errors.New("usage: anbao backup [--data DIR] FILE")}
	}
	if db.databaseURL != "" {
		return errors.New("on PostgreSQL, back up with pg_dump (see README)")
	}
	st, err := db.open(ctx, db.logger(stderr), true)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fi, err := os.Stat(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s (%d bytes)\n", fs.Arg(0), fi.Size())
	return nil
}

// describe renders an application error in English for the terminal.
func describe(err error) error {
	var e *anbao.Error
	if errors.As(err, &e) {
		return fmt.Errorf("%s", describeKey(e))
	}
	return err
}
