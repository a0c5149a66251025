package main

// cliCommand is one command of the command line. The table cliCommands is
// the one source of every usage text: "studybot help", each command's
// -h/--help and docs/command-line.md (which a test regenerates) all print
// from it, and a test checks that each command's usage names every flag
// its flag set defines, and no other.
type cliCommand struct {
	// Path is the command's words after "studybot" ("questions review");
	// "" is the bare studybot that runs the bot.
	Path string
	// Summary is one line: what the command does.
	Summary string
	// Usage is the synopsis, a paragraph on what it does, then its flags.
	Usage string
}

// cliGroup is a word that only groups subcommands ("studybot questions").
type cliGroup struct {
	// Path is the group's word.
	Path string
	// Summary is one line: what its subcommands are about.
	Summary string
}

// Flag blocks several commands share.
const (
	memoFlagsUsage = `  --memo FILE      memo file (default: the bundled DOP-C02 memo; STUDYBOT_MEMO)
  --weights W      domain weights, "1=22,2=17,…" or a config file (STUDYBOT_WEIGHTS)
  --review FILE    review file (default: <memo>.review.yaml beside the memo; none for
                   the bundled memo; STUDYBOT_REVIEW)
`
	dbFlagsUsage = `  --db FILE        database (default: the configured one, STUDYBOT_DB)
  --config FILE    YAML config to read the database path from (STUDYBOT_CONFIG)
`
	runFlagsUsage = `  --config FILE    YAML config; STUDYBOT_* environment variables override it, flags
                   override both (STUDYBOT_CONFIG)
  --db FILE        database (default: studybot.db under the user's data directory)
  --memo FILE      a memo other than the bundled DOP-C02 memo
  --weights W      domain weights, "1=22,2=17,…" or a config file
  --review FILE    review file (default: <memo>.review.yaml beside the memo)
  --http ADDR      health, metrics and webhook listener, e.g. :8080; also serves the
                   web pages under /admin/ (sign in with /studybot web)
  --public-url URL where browsers reach --http, for sign-in links
                   (STUDYBOT_PUBLIC_URL; default http:// and the listen address)
  --seed N         selection seed
  --lang ja|en     default language of the texts
  --clock TIME     console: simulated start time (RFC 3339), still until /tick
  --user NAME      console: who you are at start (default "you")
`
)

// cliGroups are the words that group subcommands, in help order.
var cliGroups = []cliGroup{
	{Path: "questions", Summary: "the question bank: check, list, review, compare, draft"},
	{Path: "config", Summary: "the configuration"},
	{Path: "store", Summary: "the database: check and compact"},
}

// cliCommands is every command, in help order.
var cliCommands = []cliCommand{
	{Path: "", Summary: "run the bot: the console when no chat tokens are set, else Slack and/or Discord", Usage: `studybot [flags]

Runs studybot. With no Slack or Discord token set (STUDYBOT_SLACK_BOT_TOKEN,
STUDYBOT_DISCORD_TOKEN) it is the console: today's question in this terminal,
answered with a–d ("ac" or "a,c" on a choose-N card), /tick to jump to the next
event, /as NAME to be someone else.
Settings come from the config file, then STUDYBOT_* variables, then flags
(docs/configuration.md).

Flags:
` + runFlagsUsage},
	{Path: "questions lint", Summary: "check the memo and the questions made from it", Usage: `studybot questions lint [--memo F] [--weights W] [--review F]

Quality report: per-domain share against the exam weights, distractor level and
kind mix, token leaks in what ships (0), dropped drafts by rule, items not asked
about and why, duplicate/conflicting definitions, authored questions and review
entries that could not be applied (named by file, line and rule; then it exits 1).

Flags:
` + memoFlagsUsage},
	{Path: "questions export", Summary: "every question with its confidence and rank, as JSON or YAML", Usage: `studybot questions export [--memo F] [--format json|yaml] [--top N]

Each question with its confidence, rank, approval and draft marks ("draft": true,
"doubt"). --top N: the N the daily post draws first (domains by exam weight, most
confident first).

Flags:
  --format FORMAT  json or yaml (default json)
  --top N          only the first N questions the daily post would draw (0: all,
                   in bank order)
` + memoFlagsUsage},
	{Path: "questions show", Summary: "one question with its answer, explanation and whole memo passage", Usage: `studybot questions show ID [--memo F]

One question (every correct option starred), its explanation and the whole memo
passage it comes from. IDs are in "questions export" and on every card.

Flags:
` + memoFlagsUsage},
	{Path: "questions review", Summary: "approve, reject or edit questions one at a time", Usage: `studybot questions review [--memo F] [--review F] [--only new|reported|flagged]
studybot questions review --export [--db F]

Walks the bank in the daily post's order, one question at a time with its answer
(*), source and explanation, one key per decision: a approve, r reject (then a
reason line), e edit in $EDITOR, s skip, u undo, q quit. The review file is
rewritten after every decision. --export prints the decisions admins made in chat
while the review file was read-only (kept in the database) as review file entries.

Flags:
  --only WHICH     new (no decision yet), reported (/report in --db), flagged
                   (withheld by the answers or by two reports)
  --db FILE        database for --only reported|flagged and --export (default: the
                   configured one)
  --export         print the decisions kept in the database as review file entries
` + memoFlagsUsage},
	{Path: "questions diff", Summary: "questions added, removed and changed by a memo edit", Usage: `studybot questions diff OLD.md NEW.md [--weights W]

The questions added (+), removed (-) and changed (~ stem, options, answer,
explanation) between two versions of a memo, each read with the files beside it,
matched by ID, before you deploy the edit. Exits 0 whatever the differences.

Flags:
  --weights W      domain weights, "1=22,2=17,…" or a config file, for both memos
                   (STUDYBOT_WEIGHTS)
`},
	{Path: "questions stats", Summary: "per question: posts, answers, share correct, discrimination, choices, flags", Usage: `studybot questions stats [--db F] [--memo F]

One line per question posted or reported in any workspace of the database: posts,
answers, share correct, discrimination with the number of answerers it uses,
choices by option ID (the answer starred; a choose-N question's by option, every
correct one starred, then by chosen set "a+c"), reports and flags (gone: the memo
no longer has it). Daily answers only.

Flags:
  --db FILE        database (default: the configured one)
` + memoFlagsUsage},
	{Path: "questions draft", Summary: "draft exam-style questions with a language model, gated and verified", Usage: `studybot questions draft [--memo F] [--count N] [--domain D] [--section PATH] [--dry-run]
                        [--batch-out F] [--batch-in F]… [--seed N] [--out F]

Writes exam-style questions with a language model, drops every draft that fails a
gate or a blind second request, and appends the rest to the questions file as
drafts (docs/questions.md, "Drafting questions with a language model"). The API
key comes from STUDYBOT_LLM_API_KEY or OPENAI_API_KEY.

Flags:
  --count N          questions to ask for in all, counting the drafts the questions
                     file holds (default 400; a rerun tops up)
  --domain N         ask about domain N only
  --section PATH     ask only about passages whose breadcrumb holds PATH
  --multi-every N    let one request in N ask for a choose-two/three question
                     (0: the default, one in 5; -1: never)
  --multi-only       send only the requests that ask for a choose-N question (to
                     measure them)
  --dry-run          print the plan, the requests and a token estimate; send nothing
  --batch-out FILE   write the requests not answered yet (OpenAI Batch input); no network
  --batch-in FILE    read answers (OpenAI Batch output; repeatable); no network
  --seed N           seed of the verification shuffles and answer positions (default 1)
  --out FILE         questions file to append to (default <memo>.questions.yaml; for
                     the bundled memo questions/memo/dop-c02.questions.yaml)
  --backend NAME     openai or bedrock (default openai); batch answers from the cache
  --model NAME       model name (bedrock: a model or inference profile ID)
  --base-url URL     an OpenAI-compatible server, or a bedrock endpoint override
  --json-mode        ask for JSON mode instead of a strict schema
  --legacy-max-tokens  send max_tokens instead of max_completion_tokens
  --region REGION    AWS region for bedrock (default from the AWS configuration)
  --concurrency N    requests in flight at once (default 4)
  --timeout D        timeout of one request (default 2m)
  --cache-dir DIR    directory of the answer cache (default beside the memo)
` + memoFlagsUsage},
	{Path: "lookup", Summary: "search the memo from the terminal", Usage: `studybot lookup [--memo F] [-n N] QUERY...

The memo passages that match QUERY, best first, with their breadcrumbs (Japanese
and English, full-width folded), as /memo shows them in chat.

Flags:
  -n N             show at most N results (default 5)
` + memoFlagsUsage},
	{Path: "config check", Summary: "validate and print the effective configuration, secrets redacted", Usage: `studybot config check [--config F] [any flag of a bare studybot]

Runs the checks a start (and a reload) runs on the memo, the weights, the review,
database and backup paths, prints the effective configuration with secrets
redacted and what studybot would run. Exits 1 with the message a start would give.

Flags:
` + runFlagsUsage},
	{Path: "backup", Summary: "a consistent copy of the database, compacted and checked", Usage: `studybot backup FILE [--db F]

Writes a consistent, compacted copy of the database to FILE and checks it. A
running studybot holds the database: it makes its own backups (backup.dir).

Flags:
` + dbFlagsUsage},
	{Path: "export", Summary: "every record of the database as JSON lines", Usage: `studybot export [--db F]

Every record of the database as JSON lines on stdout.

Flags:
` + dbFlagsUsage},
	{Path: "store check", Summary: "verify the database's pages, records, references and counters", Usage: `studybot store check [--db F]

Verifies the pages, that every record reads and finds what it refers to, and that
every counter equals a recount of the answers. Exits 1 on a problem.

Flags:
` + dbFlagsUsage},
	{Path: "store compact", Summary: "rewrite a stopped database without its free space, checked", Usage: `studybot store compact [--db F] [--accept-meta-loss]

With studybot stopped: rewrites the database without its free and half-empty
pages (bbolt's Compact), checks the copy and renames it into place; the replaced
file stays as <db>.before-compact-<time>. Prints the sizes.

Flags:
  --accept-meta-loss  with no backup: rescue a database with one damaged meta page,
                   losing the transaction that page recorded
` + dbFlagsUsage},
	{Path: "restore", Summary: "replace a stopped database with a verified backup", Usage: `studybot restore BACKUP [--db F]

With studybot stopped: checks BACKUP like a start and "store check" would, then
replaces the database with it; the replaced file is kept beside it.

Flags:
` + dbFlagsUsage},
	{Path: "healthcheck", Summary: "exit 0 when a running studybot's /healthz answers", Usage: `studybot healthcheck [ADDR]

Asks a running studybot's /healthz at ADDR (default STUDYBOT_HTTP, else :8080):
for container health checks without curl. Exits 0 when healthy, 1 otherwise.
`},
	{Path: "version", Summary: "version, commit and Go version", Usage: `studybot version

Prints studybot's version, the commit it was built from, and the Go version.
`},
	{Path: "help", Summary: "this text, or a command's usage", Usage: `studybot help [COMMAND...]

The list of commands, or the usage of one ("studybot help questions review", the
same as "studybot questions review --help").
`},
}

// exitCodesUsage closes the top-level help.
const exitCodesUsage = `Exit codes: 0 done; 1 the configuration, an input file or the work failed
(the same code and message from "config check" and from a run); 2 the command
line is wrong.
`
