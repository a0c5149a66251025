package draft

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// errUnanswered is what the batch backend returns for a request no batch
// output file or cache answers: the run writes it to --batch-out.
var errUnanswered = ErrNotAnswered

// BatchURL is the endpoint every batch line asks for.
const BatchURL = "/v1/chat/completions"

// batchInput is one line of an OpenAI Batch input file.
type batchInput struct {
	CustomID string    `json:"custom_id"`
	Method   string    `json:"method"`
	URL      string    `json:"url"`
	Body     batchBody `json:"body"`
}

type batchBody struct {
	Model               string         `json:"model"`
	Messages            []batchMessage `json:"messages"`
	ResponseFormat      responseFormat `json:"response_format"`
	MaxCompletionTokens int            `json:"max_completion_tokens"`
}

type batchMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type responseFormat struct {
	Type       string     `json:"type"`
	JSONSchema jsonSchema `json:"json_schema"`
}

type jsonSchema struct {
	Name   string          `json:"name"`
	Strict bool            `json:"strict"`
	Schema json.RawMessage `json:"schema"`
}

// batchOutput is one line of an OpenAI Batch output file.
type batchOutput struct {
	ID       string `json:"id"`
	CustomID string `json:"custom_id"`
	Response *struct {
		StatusCode int             `json:"status_code"`
		Body       json.RawMessage `json:"body"`
	} `json:"response"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// chatCompletion is the part of a chat completion object the pipeline reads.
type chatCompletion struct {
	Model   string `json:"model"`
	Choices []struct {
		FinishReason string `json:"finish_reason"`
		Message      struct {
			Content *string `json:"content"`
			Refusal *string `json:"refusal"`
		} `json:"message"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

// BatchLine renders a request as one Batch input line (no newline).
func BatchLine(r Request) ([]byte, error) {
	in := batchInput{CustomID: r.Key, Method: "POST", URL: BatchURL, Body: batchBody{Model: r.Model,
		Messages:            []batchMessage{{Role: "system", Content: r.System}, {Role: "user", Content: r.User}},
		ResponseFormat:      responseFormat{Type: "json_schema", JSONSchema: jsonSchema{Name: r.SchemaName, Strict: true, Schema: r.Schema}},
		MaxCompletionTokens: r.MaxTokens}}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(in); err != nil {
		return nil, fmt.Errorf("batch line: %w", err)
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// WriteBatch writes the requests to path in the Batch input format, one
// line each in Key order, each key once, atomically (temp file and
// rename).
func WriteBatch(path string, reqs []Request) error {
	sorted := append([]Request(nil), reqs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	var b bytes.Buffer
	for i, r := range sorted {
		if i > 0 && sorted[i-1].Key == r.Key {
			continue // custom_ids must be unique in a batch file
		}
		line, err := BatchLine(r)
		if err != nil {
			return err
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return writeAtomic(path, b.Bytes(), 0o644)
}

// Answers holds model answers by request key: read from Batch output
// files, and the refusals and errors they report.
type Answers struct {
	byKey  map[string]Response
	failed map[string]string // key → why the batch could not answer it
}

// NewAnswers returns an empty set of answers.
func NewAnswers() *Answers {
	return &Answers{byKey: map[string]Response{}, failed: map[string]string{}}
}

// Len is the number of answers held.
func (a *Answers) Len() int { return len(a.byKey) }

// Failed is the number of batch lines that carried an error.
func (a *Answers) Failed() int { return len(a.failed) }

// ReadBatchOutput reads a Batch output file: each line's chat completion
// becomes an answer under its custom_id; a line with an error or a status
// other than 200 is remembered as failed (its request is asked again); a
// refusal is kept as one. It returns the answers read.
func (a *Answers) ReadBatchOutput(r io.Reader) ([]Response, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var out []Response
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var o batchOutput
		if err := json.Unmarshal(line, &o); err != nil {
			return out, fmt.Errorf("batch output line %d: %w", n, err)
		}
		if o.CustomID == "" {
			return out, fmt.Errorf("batch output line %d: no custom_id", n)
		}
		if o.Error != nil || o.Response == nil || o.Response.StatusCode != 200 {
			why := "no response"
			switch {
			case o.Error != nil:
				why = o.Error.Code + ": " + o.Error.Message
			case o.Response != nil:
				why = fmt.Sprintf("status %d", o.Response.StatusCode)
			}
			a.failed[o.CustomID] = why
			continue
		}
		var cc chatCompletion
		if err := json.Unmarshal(o.Response.Body, &cc); err != nil {
			return out, fmt.Errorf("batch output line %d: body: %w", n, err)
		}
		resp := Response{Key: o.CustomID, Backend: "batch", Model: cc.Model,
			Usage: Usage{Input: cc.Usage.PromptTokens, Output: cc.Usage.CompletionTokens}}
		if len(cc.Choices) == 0 {
			a.failed[o.CustomID] = "no choices"
			continue
		}
		msg := cc.Choices[0].Message
		switch {
		case msg.Refusal != nil && *msg.Refusal != "":
			a.failed[o.CustomID] = "refused: " + *msg.Refusal
			continue
		case msg.Content != nil:
			resp.Content = *msg.Content
		}
		delete(a.failed, o.CustomID)
		a.byKey[o.CustomID] = resp
		out = append(out, resp)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("batch output: %w", err)
	}
	return out, nil
}

// ReadBatchFile reads a Batch output file by name (see ReadBatchOutput).
func (a *Answers) ReadBatchFile(path string) ([]Response, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("batch-in: %w", err)
	}
	defer f.Close()
	out, err := a.ReadBatchOutput(f)
	if err != nil {
		return out, fmt.Errorf("batch-in %s: %w", path, err)
	}
	return out, nil
}

// Add keeps an answer (from a cache, a test).
func (a *Answers) Add(r Response) { a.byKey[r.Key] = r }

// BatchBackend answers requests from batch output files (and whatever
// else was added to its Answers) and never reaches a network: a request
// it cannot answer fails with an error the pipeline recognises, and is
// written to the next batch input file.
type BatchBackend struct {
	// Answers are the answers it knows.
	Answers *Answers
	// Cache, when set, is asked after Answers.
	Cache interface {
		Get(key string) (Response, bool)
	}
}

// Name returns "batch".
func (b *BatchBackend) Name() string { return "batch" }

// Complete returns the answer kept for req.Key.
func (b *BatchBackend) Complete(_ context.Context, req Request) (Response, error) {
	if r, ok := b.Answers.byKey[req.Key]; ok {
		return r, nil
	}
	if b.Cache != nil {
		if r, ok := b.Cache.Get(req.Key); ok {
			return r, nil
		}
	}
	if why, ok := b.Answers.failed[req.Key]; ok && len(why) > 9 && why[:9] == "refused: " {
		return Response{}, fmt.Errorf("batch: %w: %s", ErrRefused, why[9:])
	}
	return Response{}, errUnanswered
}

// writeAtomic writes data to path through a temp file in the same
// directory and a rename, so a reader sees the old file or the new one.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing left
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
