#!/usr/bin/env python3
"""Draw multi-answer ("choose two/three") questions for a blind review: every
kept multi-answer draft of the drafts files given, plus (with --authored F)
the hand-written multi-answer questions of questions file F; shuffled with a
seed, at most N. Writes what the reviewer sees and a key file.

usage: sample_multi.py SEED N questions.md key.tsv DRAFTS.yaml... [--authored F.yaml]"""
import sys, random, yaml
args = sys.argv[1:]
authored = None
if '--authored' in args:
    i = args.index('--authored'); authored = args[i + 1]; del args[i:i + 2]
seed, n, out, keyout, files = int(args[0]), int(args[1]), args[2], args[3], args[4:]
pool = []
for f in files:
    for q in yaml.safe_load(open(f, encoding='utf-8'))['questions']:
        if q.get('draft') and q.get('choose'):
            pool.append(('draft', f, q))
if authored:
    for q in yaml.safe_load(open(authored, encoding='utf-8'))['questions']:
        if not q.get('draft') and q.get('choose'):
            pool.append(('authored', authored, q))
rng = random.Random(seed)
pick = rng.sample(pool, min(n, len(pool)))
L = 'ABCDEF'
with open(out, 'w', encoding='utf-8') as f, open(keyout, 'w', encoding='utf-8') as k:
    for i, (kind, src, q) in enumerate(pick, 1):
        f.write(f"## Q{i}\n{q['stem']}\n")
        for j, o in enumerate(q['options']):
            f.write(f"  {L[j]}) {o}\n")
        right = sorted(q['answers'])
        f.write(f"Answer: {', '.join(L[j] for j in right)} (choose {q['choose']})\nExplanation:\n正解: {' / '.join(q['options'][j] for j in right)}\n{q['explanation']}\n")
        quotes = [e['text'] for e in (q.get('draft') or {}).get('evidence') or []]
        if kind == 'authored':
            quotes = [q['source']] + list(q.get('sources') or [])
        for e in quotes:
            f.write(f"> {e}\n")
        f.write("\n")
        ident = q['draft']['id'] if kind == 'draft' else q['stem'][:40]
        k.write(f"Q{i}\t{kind}\t{src}\t{ident}\t{(q.get('draft') or {}).get('doubt', '')}\n")
print(len(pool), 'multi-answer questions;', len(pick), 'drawn')
