// Command sanlv scores and ranks the units that handle a city's 12345 hotline tickets.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"sanlv/assess"
	"sanlv/scoring"
	"sanlv/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if path := os.Getenv("SANLV_CPUPROFILE"); path != "" {
		stopProfile, err := startCPUProfile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sanlv:", err)
			os.Exit(1)
		}
		defer stopProfile()
	}
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	m.Close()
	if err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "sanlv:", err)
		}
		stop()
		os.Exit(exitCode(err))
	}
}

// startCPUProfile writes a pprof CPU profile to path until the returned function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// errReported means the command already printed what went wrong.
var errReported = errors.New("reported")

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// errUsage marks a command-line mistake; errHelp means --help was shown.
var (
	errUsage = errors.New("usage")
	errHelp  = errors.New("help shown")
)

// Main is the program: it holds its streams and open resources so end-to-end tests can run it in-process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (SANLV_DB); tests replace it.
	Getenv func(string) string
	Logger *slog.Logger
	// LogLevel is the Logger's level: warnings for commands, info (access logs) for serve.
	LogLevel *slog.LevelVar

	closers []func() error
	// dbs are the databases the running command opened, by DSN.
	dbs map[string]*store.DB
}

// NewMain returns a Main wired to the process's streams.
func NewMain() *Main {
	level := new(slog.LevelVar)
	level.Set(slog.LevelWarn)
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, LogLevel: level,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))}
}

// Close releases what the last command opened.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers, m.dbs = nil, nil
	return errors.Join(errs...)
}

type command struct {
	name    string
	summary string
	run     func(m *Main, ctx context.Context, args []string) error
}

// commands is the table of subcommands, in the order --help lists them.
var commands = []command{
	{"demo", "the main job on the embedded default: SQLite, the sample city, a score and the bulletin", (*Main).runDemo},
	{"score", "score and rank every unit for a period", (*Main).runScore},
	{"explain", "list every assignment of one unit behind its scorecard", (*Main).runExplain},
	{"annual", "year-end appraisal: annual scores, ranks and grades", (*Main).runAnnual},
	{"whatif", "score the same data under two policies and compare", (*Main).runWhatIf},
	{"publish", "publish a period: freeze its scorecards and 扣分明细 as the next edition", (*Main).runPublish},
	{"bulletin", "write the period bulletin workbook (通报)", (*Main).runBulletin},
	{"export", "write the ticket detail workbook of a period (phones masked)", (*Main).runExport},
	{"serve", "serve the HTTP API (/api/v1)", (*Main).runServe},
	{"token", "create, list or revoke API tokens", (*Main).runToken},
	{"policy", "check a policy file; save, activate and list the database's policies", (*Main).runPolicy},
	{"import", "import units or tickets into the database (all or nothing, idempotent)", (*Main).runImport},
	{"adjust", "record, list, revoke or import adjustments (加分, 扣分, 质量抽检)", (*Main).runAdjust},
	{"calendar", "import or list the working-day calendars policies may name", (*Main).runCalendar},
	{"migrate", "bring the database schema up to date", (*Main).runMigrate},
	{"gen", "generate a deterministic synthetic city (units and tickets CSV)", (*Main).runGen},
}

// Run parses the subcommand and runs it.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		m.usage()
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			if err := c.run(m, ctx, args[1:]); !errors.Is(err, errHelp) {
				return m.fail(err)
			}
			return nil
		}
	}
	m.usage()
	return fmt.Errorf("unknown command %q: %w", args[0], errUsage)
}

func (m *Main) usage() {
	fmt.Fprintln(m.Stderr, "Usage: sanlv COMMAND [flags]   (sanlv COMMAND --help for a command's flags)")
	fmt.Fprintln(m.Stderr, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(m.Stderr, "  %-9s %s\n", c.name, c.summary)
	}
}

// fail prints a read's invalid rows, or an application error with its field list (then returning
// errReported), once each.
func (m *Main) fail(err error) error {
	var re *assess.ReportError
	if errors.As(err, &re) {
		m.failReport(re.Report)
		return err
	}
	var se *scoring.Error
	if errors.As(err, &se) && len(se.Fields) > 0 {
		if len(se.Fields) == 1 {
			// The message already says it, with the file it came from.
			return err
		}
		// One heading (the file and what it is, and what wrapped it), then each problem once.
		full := err.Error()
		prefix, tail := "", ""
		if i := strings.Index(full, se.Message); i >= 0 {
			prefix, tail = full[:i], full[i+len(se.Message):]
		}
		label := ""
		if i := strings.Index(se.Message, se.Fields[0].Field+": "); i > 0 {
			label = strings.TrimSuffix(se.Message[:i], ": ")
		}
		if !strings.Contains(label, "invalid") { // the message does not count them itself
			label = strings.TrimPrefix(fmt.Sprintf("%s: %d problems", label, len(se.Fields)), ": ")
		}
		fmt.Fprintf(m.Stderr, "sanlv: %s%s%s:\n", prefix, label, tail)
		for _, f := range se.Fields {
			fmt.Fprintf(m.Stderr, "  %s: %s\n", f.Field, f.Reason)
		}
		return errReported
	}
	return err
}
