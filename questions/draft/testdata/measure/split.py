#!/usr/bin/env python3
"""Split an OpenAI Batch input file into N stand-in packets holding only each
request's messages (and the answer schema), grouped so a shared system
message is shown once per packet."""
import json, sys, os
src, n, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(outdir, exist_ok=True)
reqs = [json.loads(l) for l in open(src, encoding='utf-8') if l.strip()]
chunks = [reqs[i::n] for i in range(n)]
for k, ch in enumerate(chunks):
    if not ch: continue
    systems = {}
    for r in ch:
        sysmsg = next((m['content'] for m in r['body']['messages'] if m['role'] == 'system'), '')
        systems.setdefault(sysmsg, []).append(r)
    with open(os.path.join(outdir, f'packet-{k+1:02d}.md'), 'w', encoding='utf-8') as f:
        for si, (sysmsg, rs) in enumerate(systems.items()):
            rf = rs[0]['body'].get('response_format', {})
            schema = rf.get('json_schema', {}).get('schema', rf)
            f.write(f'# SYSTEM MESSAGE {si+1} (the same for the {len(rs)} requests that follow)\n\n{sysmsg}\n\n')
            f.write('# ANSWER SCHEMA (strict JSON object)\n\n```json\n' + json.dumps(schema, ensure_ascii=False, indent=1) + '\n```\n\n')
            for r in rs:
                user = '\n'.join(m['content'] for m in r['body']['messages'] if m['role'] == 'user')
                f.write(f'## REQUEST custom_id={r["custom_id"]}\n\n{user}\n\n')
    print(k+1, len(ch))
