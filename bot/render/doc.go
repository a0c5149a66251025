// Package render is the message model and every text: Message, Response
// and their parts, the action IDs of buttons, the message builders (pure
// functions from what the core knows to what it shows, pinned by the
// goldens in testdata/render) and the catalog of texts in each language
// (T).
//
// Builders read no store, no clock and no platform: callers pass what they
// need. It must not import bot, bot/core or a capability; it may read the
// store's and the bank's types (questions, store) only as values.
package render
