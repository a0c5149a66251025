package draft

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Schema names, as sent in response_format and the Bedrock tool.
const (
	// DraftSchemaName names the schema of a drafting answer.
	DraftSchemaName = "studybot_draft"
	// VerifySchemaName names the schema of a verification answer.
	VerifySchemaName = "studybot_verify"
)

// draftSchema is the strict JSON schema of a drafting answer: every
// property required, no other properties (OpenAI's strict mode).
var draftSchema = json.RawMessage(`{"type":"object","additionalProperties":false,"required":["questions"],"properties":{"questions":{"type":"array","description":"the questions asked for, each about a different fact","items":{"type":"object","additionalProperties":false,"required":["stem","options","answer","explanation","evidence","domain","difficulty","fact","doubt"],"properties":{"stem":{"type":"string","description":"exam-style question with a concrete requirement naming its subject"},"options":{"type":"array","description":"exactly four options of one kind and shape","items":{"type":"string"}},"answer":{"type":"integer","description":"0-based index of the one correct option"},"explanation":{"type":"string","description":"why the answer is right and why the nearest other options are wrong, at most about 300 characters, no option letters"},"evidence":{"type":"array","description":"memo lines from the passage, copied verbatim, that prove the answer","items":{"type":"string"}},"domain":{"type":"integer","description":"the domain number given"},"difficulty":{"type":"string","enum":["easy","medium","hard"]},"fact":{"type":"string","description":"short key of the one fact asked"},"doubt":{"type":"string","description":"empty, or which memo line looks wrong or out of date and why"}}}}}}`)

// verifySchema is the strict JSON schema of a verification answer.
var verifySchema = json.RawMessage(`{"type":"object","additionalProperties":false,"required":["answer","other_defensible","reason"],"properties":{"answer":{"type":"string","enum":["A","B","C","D"],"description":"the letter of the best option"},"other_defensible":{"type":"array","description":"letters of any other option that could also be defended as correct","items":{"type":"string","enum":["A","B","C","D"]}},"reason":{"type":"string","description":"one or two sentences"}}}`)

// DraftSchema returns the JSON schema of a drafting answer.
func DraftSchema() json.RawMessage { return draftSchema }

// VerifySchema returns the JSON schema of a verification answer.
func VerifySchema() json.RawMessage { return verifySchema }

// Answer is a drafting answer: the questions a model wrote about one passage.
type Answer struct {
	// Questions are the drafted questions.
	Questions []Drafted `json:"questions"`
}

// Drafted is one question as a model wrote it (the schema's item).
type Drafted struct {
	Stem        string   `json:"stem"`
	Options     []string `json:"options"`
	Answer      int      `json:"answer"`
	Explanation string   `json:"explanation"`
	Evidence    []string `json:"evidence"`
	Domain      int      `json:"domain"`
	Difficulty  string   `json:"difficulty"`
	Fact        string   `json:"fact"`
	Doubt       string   `json:"doubt"`
}

// Verdict is a verification answer.
type Verdict struct {
	// Answer is the letter the model picked.
	Answer string `json:"answer"`
	// OtherDefensible are other letters it finds defensible.
	OtherDefensible []string `json:"other_defensible"`
	// Reason says why, in a sentence or two.
	Reason string `json:"reason"`
}

// decodeStrict decodes content into v, refusing unknown fields and
// trailing data (a model's prose around the object).
func decodeStrict(content string, v any) error {
	dec := json.NewDecoder(strings.NewReader(content))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: data after the JSON object", ErrMalformed)
	}
	return nil
}
