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
	// DraftMultiSchemaName names the schema of a drafting answer that may
	// hold a multi-answer ("choose two") question.
	DraftMultiSchemaName = "studybot_draft_multi"
	// VerifyMultiSchemaName names the schema of a multi-answer question's
	// verification answer.
	VerifyMultiSchemaName = "studybot_verify_multi"
)

// draftSchema is the strict JSON schema of a drafting answer: every
// property required, no other properties (OpenAI's strict mode).
var draftSchema = json.RawMessage(`{"type":"object","additionalProperties":false,"required":["questions"],"properties":{"questions":{"type":"array","description":"the questions asked for, each about a different fact","items":{"type":"object","additionalProperties":false,"required":["stem","options","answer","explanation","evidence","domain","difficulty","fact","doubt"],"properties":{"stem":{"type":"string","description":"exam-style question with a concrete requirement naming its subject"},"options":{"type":"array","description":"exactly four options of one kind and shape","items":{"type":"string"}},"answer":{"type":"integer","description":"0-based index of the one correct option"},"explanation":{"type":"string","description":"why the answer is right and why the nearest other options are wrong, at most about 300 characters, no option letters"},"evidence":{"type":"array","description":"memo lines from the passage, copied verbatim, that prove the answer","items":{"type":"string"}},"domain":{"type":"integer","description":"the domain number given"},"difficulty":{"type":"string","enum":["easy","medium","hard"]},"fact":{"type":"string","description":"short key of the one fact asked"},"doubt":{"type":"string","description":"empty, or which memo line looks wrong or out of date and why"}}}}}}`)

// verifySchema is the strict JSON schema of a verification answer.
var verifySchema = json.RawMessage(`{"type":"object","additionalProperties":false,"required":["answer","other_defensible","reason"],"properties":{"answer":{"type":"string","enum":["A","B","C","D"],"description":"the letter of the best option"},"other_defensible":{"type":"array","description":"letters of any other option that could also be defended as correct","items":{"type":"string","enum":["A","B","C","D"]}},"reason":{"type":"string","description":"one or two sentences"}}}`)

// draftMultiSchema is draftSchema with answers and choose, for the
// requests that ask for a multi-answer question (Ask.Multi).
var draftMultiSchema = json.RawMessage(`{"type":"object","additionalProperties":false,"required":["questions"],"properties":{"questions":{"type":"array","description":"the questions asked for, each about a different fact","items":{"type":"object","additionalProperties":false,"required":["stem","options","answer","answers","choose","explanation","evidence","domain","difficulty","fact","doubt"],"properties":{"stem":{"type":"string","description":"exam-style question with a concrete requirement naming its subject; a multi-answer question ends by stating the number to choose, e.g. （2つ選択）"},"options":{"type":"array","description":"four options of one kind and shape; a multi-answer question has five (choose 2) or six (choose 3)","items":{"type":"string"}},"answer":{"type":"integer","description":"0-based index of the correct option (for a multi-answer question, the first of answers)"},"answers":{"type":"array","description":"a multi-answer question's 0-based indexes of every correct option (as many as choose); empty for a one-answer question","items":{"type":"integer"}},"choose":{"type":"integer","description":"2 or 3 for a multi-answer question (how many options to choose); 0 for a one-answer question"},"explanation":{"type":"string","description":"why the correct options are right and why the nearest other options are wrong, at most about 300 characters, no option letters"},"evidence":{"type":"array","description":"memo lines from the passage, copied verbatim, that prove every correct option","items":{"type":"string"}},"domain":{"type":"integer","description":"the domain number given"},"difficulty":{"type":"string","enum":["easy","medium","hard"]},"fact":{"type":"string","description":"short key of the one fact asked"},"doubt":{"type":"string","description":"empty, or which memo line looks wrong or out of date and why"}}}}}}`)

// verifyMultiSchema is the strict JSON schema of a multi-answer question's
// verification answer: the letters chosen.
var verifyMultiSchema = json.RawMessage(`{"type":"object","additionalProperties":false,"required":["answers","other_defensible","reason"],"properties":{"answers":{"type":"array","description":"the letters of the options chosen, exactly as many as the question asks for","items":{"type":"string","enum":["A","B","C","D","E","F"]}},"other_defensible":{"type":"array","description":"letters of any option not chosen that could also be defended as correct","items":{"type":"string","enum":["A","B","C","D","E","F"]}},"reason":{"type":"string","description":"one or two sentences"}}}`)

// DraftMultiSchema returns the JSON schema of a drafting answer that may
// hold a multi-answer question.
func DraftMultiSchema() json.RawMessage { return draftMultiSchema }

// VerifyMultiSchema returns the JSON schema of a multi-answer question's
// verification answer.
func VerifyMultiSchema() json.RawMessage { return verifyMultiSchema }

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
	Stem    string   `json:"stem"`
	Options []string `json:"options"`
	Answer  int      `json:"answer"`
	// Answers and Choose make a multi-answer question (draftMultiSchema):
	// the 0-based indexes of the correct options and how many to choose
	// (2 or 3); empty and 0 for a one-answer question.
	Answers     []int    `json:"answers,omitempty"`
	Choose      int      `json:"choose,omitempty"`
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
	Answer string `json:"answer,omitempty"`
	// Answers are the letters it picked for a multi-answer question
	// (verifyMultiSchema).
	Answers []string `json:"answers,omitempty"`
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
