#!/usr/bin/env python3
"""Wrap a stand-in's answers ({"custom_id", "content": object} per line) into
OpenAI Batch output lines, as the Batch API returns them. Token counts are
estimates (the stand-in reports none): prompt from the request's characters,
completion from the answer's, at 1 token per 1.5 characters of Japanese text."""
import json, sys, time, hashlib
reqfile, ansfiles, out = sys.argv[1], sys.argv[2:-1], sys.argv[-1]
reqs = {}
for l in open(reqfile, encoding='utf-8'):
    if l.strip():
        r = json.loads(l); reqs[r['custom_id']] = r
n = 0; seen = set(); bad = 0
with open(out, 'w', encoding='utf-8') as f:
    for af in ansfiles:
        for ln, l in enumerate(open(af, encoding='utf-8'), 1):
            if not l.strip(): continue
            try:
                a = json.loads(l)
            except Exception as e:
                print(f'{af}:{ln}: not JSON: {e}', file=sys.stderr); bad += 1; continue
            cid = a.get('custom_id')
            if cid not in reqs or cid in seen:
                print(f'{af}:{ln}: unknown or repeated custom_id {cid}', file=sys.stderr); bad += 1; continue
            seen.add(cid)
            content = a['content'] if isinstance(a['content'], str) else json.dumps(a['content'], ensure_ascii=False)
            req = reqs[cid]
            ptoks = int(sum(len(m['content']) for m in req['body']['messages']) / 1.5)
            ctoks = int(len(content) / 1.5)
            h = hashlib.sha256(cid.encode()).hexdigest()[:24]
            line = {"id": "batch_req_" + h, "custom_id": cid,
                    "response": {"status_code": 200, "request_id": h,
                                 "body": {"id": "chatcmpl-" + h, "object": "chat.completion", "created": int(time.time()),
                                          "model": req['body'].get('model', ''),
                                          "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None}, "logprobs": None, "finish_reason": "stop"}],
                                          "usage": {"prompt_tokens": ptoks, "completion_tokens": ctoks, "total_tokens": ptoks + ctoks}}},
                    "error": None}
            f.write(json.dumps(line, ensure_ascii=False) + '\n'); n += 1
missing = [c for c in reqs if c not in seen]
print(f'wrapped {n}, bad {bad}, missing {len(missing)}', file=sys.stderr)
