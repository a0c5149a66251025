// Package questions turns a study memo (Japanese markdown) into
// multiple-choice questions, each tied to an exam domain and to the memo
// passage it came from, and answers memo lookups.
//
// # Pipeline
//
//  1. Parse (parse.go) reads the markdown with goldmark into Items (bullets,
//     paragraphs, code), Tables and Headings, and decides the domains: "第 N
//     分野" or "N." headings (an overview list of numbered headings before the
//     real sections reuses the same numbers; numbering that starts at 2 makes
//     the section before it domain 1), or plain section headings. Each bullet
//     is classified once its children are known (item.go): "term: definition",
//     a bare term described by its first child, "X は、…", a generic label
//     (目的, 例 …) that becomes an attribute of its parent, a worked question
//     ending in ？. Passages outside any domain heading ("## Other") are
//     given, top-level subtree by subtree, the domain they are most similar
//     to by TF-IDF cosine (assign.go).
//  2. Every definition's term gets a TermKind once (kind.go): vendor service,
//     feature, setting key, value, prose. Items inside worked scenarios and
//     procedures (ステップ N, パターン N, シナリオ, 解決策, numbered steps,
//     bullets under a sentence that sets up a case), bare values, names
//     meaningless out of context and common words (テスト, 承認) are not
//     asked about; lint counts them under "definitions not asked about".
//  3. The generator (generate.go) builds every index up front: kin groups
//     (siblings of one kind family under one parent, or top-level peers
//     under a heading that names a topic; under a catch-all heading such as
//     試験メモ only services or keys of exactly one kind), alias masks, the
//     per-text token cache. A table of recipes turns each item into drafts:
//     definition → term, term → definition, attribute → term, cloze (a
//     defined term blanked in a one-sentence note that names its subject),
//     worked question (when its answer opens with a defined term, the options
//     are that term and its kin and the worked answer is the explanation;
//     otherwise only other worked answers could be offered, and the question
//     ranks below MinConfidence); tables have their own recipe (row by
//     column value).
//  4. One builder (builder.go) takes every draft: it filters the draft's kin
//     (no alias, copy, definition naming or translating its own term or the
//     asked one, option named in the stem, option whose own definitions say
//     what the stem says or that is defined by the answer; among kin of two
//     sorts — by head noun, アクセスポート/トランクポート beside ポートベース
//     VLAN, or by what their definitions say they are, プロトコル beside
//     モード — only the answer's sort; a stem's category word keeps only kin
//     of that head noun), orders the rest (the most confusable first: shared
//     words, shared definition words, the same head noun, neighbouring table
//     rows; then a per-question hash), tries distractor sets until one passes every
//     quality rule (quality.go), writes vendor prefixes alike on every
//     option, places the answer by the question's ID, and scores the
//     question's Confidence from its evidence. A draft whose kin cannot
//     make four options is dropped ("too-few-kin"), unless its kin are a
//     whole set of three; a question below
//     MinConfidence is dropped ("low-confidence"). Nothing is ever filled
//     from the wider domain or memo.
//  5. The Bank (bank.go) drops duplicates and the IDs the memo's config
//     rejects, and ranks the rest in the order the daily post draws them:
//     domains interleaved by exam weight, the most confident first, a
//     second question about one item only after every item's first
//     (Question.Rank, Bank.Top).
//
// # Drafts
//
// The drafting pipeline (questions/draft) asks a language model for
// questions; this package gives it what it needs and no network code:
// the memo cut into passages with breadcrumbs and line numbers
// (Memo.Passages, passage.go), the kin of a passage's terms as distractor
// candidates (Drafter.Kin), every rule an authored question passes
// (Memo.CheckAuthored), and the provenance a drafted question carries in
// the questions file (Authored.Draft, Provenance). A drafted question is an
// authored one: Question.Draft marks it, Question.Doubt holds the model's
// doubt about its memo line, and it ranks after the hand-written ones
// (DraftConfidence).
//
// # Leak checks
//
// A question leaks when the answer can be picked by matching words. The
// leak rule compares tokens (token.go), not whole strings: Latin words
// (CamelCase split: CodeBuild → code, build), katakana runs, kanji runs, the
// English of katakana loanwords and of common kanji words (loanwords.go:
// ビルド → build, カタログ → catalog, 一度 → once, 直線 → linear), and
// acronyms from capitals or from the initials of consecutive words
// (継続的インテグレーション → ci), numbers inside names (OP25B → 25), and the
// Japanese renderings of English words (englosses.go: oldest → 最も古,
// target → 目標, hub → 統合), matched against the other text itself. Runs
// match when one holds the other or one loanword opens both (スポット in
// スポットインスタンス and スポットフリート). A token the stem and the answer
// share and no distractor holds is a leak, in both directions (definition →
// term and term → definition).
//
// # Caveats
//
//   - No rule knows the facts. A memo that defines a term wrongly yields a
//     question with a wrong answer; the config's "rejected:" list (sidecar
//     YAML or front matter; and, for the team, /report) keeps such
//     questions out, as does a review file (Bank.ApplyReview: the team's
//     approved, rejected and edited questions, by ID; an edit passes every
//     quality rule or is refused).
//   - Precision comes before volume: a memo whose notes are mostly prose,
//     procedures and worked scenarios, and whose Japanese descriptions
//     translate the English names they describe, yields few questions (the
//     bundled memo: about twenty; memos of grouped definitions: 60–110).
//   - The loanword and gloss tables are finite: a translation they do not
//     know is not seen as a leak, and a synonym no table lists (決まった日時
//     for Scheduled before it was added) passes until a review finds it.
//   - The bundled memo's six worked questions answer with whole procedures,
//     none of which opens with a defined term: they make no question.
//   - Question IDs hash domain, section, parent chain, item key and type, so
//     an item that moves to another parent gets a new ID.
package questions
