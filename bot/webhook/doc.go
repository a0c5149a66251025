// Package webhook is what the chat adapters' HTTP endpoints share to stay
// cheap under abuse: a Gate that bounds the bodies read at once and reads
// each at a minimum rate within a total time, ReadBody with a per-route
// cap, header checks done before any body byte is read, a rate-limited
// refusal log, and a request Memory that outlives a restart.
//
// The order for a webhook request is: check the headers (timestamp
// window, signature shape) and refuse with "Connection: close" without
// reading the body; then ReadBody, which enters the Gate; then verify the
// signature over the bytes read.
package webhook
