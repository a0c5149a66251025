#!/usr/bin/env python3
"""Draw N kept drafts at random with a seed from a questions file and write
what the reviewer sees (stem, options, answer, explanation with its memo
quotes), plus a key file mapping Q numbers to draft IDs."""
import sys, random, yaml
qfile, seed, n, out, keyout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
qs = [q for q in yaml.safe_load(open(qfile, encoding='utf-8'))['questions'] if q.get('draft') and (len(sys.argv) < 7 or not q['draft'].get('doubt'))]
rng = random.Random(seed)
pick = rng.sample(qs, min(n, len(qs)))
L = 'ABCDEF'
with open(out, 'w', encoding='utf-8') as f, open(keyout, 'w', encoding='utf-8') as k:
    for i, q in enumerate(pick, 1):
        f.write(f"## Q{i}\n{q['stem']}\n")
        for j, o in enumerate(q['options']):
            f.write(f"  {L[j]}) {o}\n")
        f.write(f"Answer: {L[q['answer']]}\nExplanation:\n正解: {q['options'][q['answer']]}\n{q['explanation']}\n")
        for e in q['draft'].get('evidence') or []:
            f.write(f"> {e['text']}\n")
        f.write("\n")
        k.write(f"Q{i}\t{q['draft']['id']}\t{q['draft'].get('doubt','')}\n")
print(len(qs), 'drafts;', len(pick), 'drawn')
