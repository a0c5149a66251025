// Package draft writes exam-style questions about a study memo with a
// language model, and trusts none of them until code has checked them.
// It is the pipeline behind "studybot questions draft"; the questions
// package gives it the memo's passages and kin, the quality rules and the
// questions-file shape, and stays free of network code. The backends
// (OpenAI-compatible, Bedrock), the Runner and the Cache live here too, in
// their own files; the pipeline reaches a model only through Backend.
//
// # Pipeline
//
//  1. Plan (plan.go): the memo is cut into passages (questions.Memo.Passages:
//     a top-level bullet's subtree, a part of a large one under its parent's
//     line, small neighbours merged up to about ten lines, a table; never
//     across a heading). Passages inside worked scenarios and procedures,
//     exam objectives, link lists and single lines are skipped. Each passage
//     can carry about one question per two lines or 90 characters (at most
//     MaxPerPassage), less the authored, approved or drafted questions that
//     already rest on its lines. --count is shared over the domains by the
//     exam weights of the memo's config (what a domain cannot take goes to
//     the others), then round-robin over its passages ranked by what they
//     can support (definitions with kin, definitions, table rows, length).
//     A passage asked for more than MaxPerRequest questions is asked in
//     several requests, each focused on its share of the lines.
//  2. Requests (prompt.go, schema.go): the system message is a style guide
//     built from the reviewers' findings (shared/reference/question-review.md);
//     the user message gives the exam, the domain, the breadcrumb, the
//     passage with its line numbers, the memo's kin of its terms as
//     distractor candidates, and the questions already asked about it. The
//     answer follows a strict JSON schema. A request's Key hashes all it
//     says; it is the cache key and the Batch custom_id.
//  3. Gates (gate.go), in order, each dropping a draft under its rule name:
//     schema (four distinct options, answer in range, a domain the memo has,
//     every field set, the explanation short enough for chat), evidence
//     (every quote found in the memo after normalisation — bullet markers,
//     line numbers, quotation marks and markup trimmed —, no option letters
//     or chat leftovers, the answer named in or supported by the quoted
//     lines unless the model doubted them), answer-cue (the correct option
//     is not much the longest nor alone of its shape), quality:<rule> (every
//     rule an authored question passes: questions.Memo.CheckAuthored), and
//     duplicate (the same fact key, or a stem and answer too similar by
//     character bigrams, against the bank, the questions file and earlier
//     drafts of the run).
//  4. Verification (verify.go): each surviving draft is asked again, blind
//     — the passage, the stem, the options in a seeded order, no answer —
//     and is dropped (verify-disagree) when the pick differs from the key or
//     another option is called defensible.
//  5. Output (output.go, record.go): kept drafts are appended as text to the
//     questions file, never re-marshalled, the new text parsed before and
//     after an atomic rename; each carries a draft: block (ID, backend,
//     model, date, evidence lines, fact, difficulty, doubt). The options keep
//     the model's order, rotated so answer positions stay balanced. Every
//     verdict goes to <memo>.drafts.log.jsonl, which "questions lint" sums.
//
// # Rounds
//
// Every step is a function of the memo, the questions file, the flags and
// the seed, so a run may stop anywhere and the next resumes where the
// answers end: a request no backend answered is pending. With batch files
// that is the whole protocol: round 1 writes the drafting requests
// (--batch-out), round 2 reads their answers (--batch-in), gates them and
// writes the verification requests, round 3 reads both answer files and
// appends. Live backends take the same path through the Runner and the
// Cache.
//
// # Caveats
//
//   - No gate knows the facts. Verification by the same kind of model
//     catches ambiguity and slips, not a wrong memo the model believes;
//     the doubt field, the team's review and /report remain the guard, and
//     a draft with a doubt is never posted before a person approves it.
//   - The evidence gate proves a quote is in the memo, not that it proves
//     the answer: "supported" only checks that the answer's words appear in
//     the quoted lines.
//   - The plan and the prompts change when the questions file changes (its
//     drafts cover passages and are listed as asked): keep the file as it
//     is between the rounds of one batch run. A later run tops the file up
//     to --count with new requests.
//   - Changing the model, the seed, the count or the prompts changes the
//     keys, and so which answers a cache or batch file can give.
//   - The answer schema has one correct option. The exam's multiple-response
//     form (answers, choose) will be a schema of its own, with its own name
//     and so its own keys.
//   - A table nested in a list item is also a passage of its own, so its
//     lines may be asked about twice; the duplicate gate drops the repeats.
//   - Token estimates count about one token per kana or kanji and one per
//     four other characters; a tokenizer would differ by tens of percent.
package draft
