// Package drafttest provides loopback fakes of the model servers the
// drafting backends speak to: an OpenAI-compatible Chat Completions server
// and an Amazon Bedrock Converse endpoint. They validate each request the
// way the real APIs do, answer with scripted outcomes and count calls, so
// tests drive the real SDK clients without a network or a model.
package drafttest
