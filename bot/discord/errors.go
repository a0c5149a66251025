package discord

import "errors"

// Sentinel errors of the Discord adapter. Test with errors.Is.
var (
	// ErrShardHTTP is returned by New for a public key (the HTTP
	// interactions endpoint) together with shards: Discord sends every
	// guild's interactions to the endpoint's one URL, while each shard
	// holds only its own guilds' data.
	ErrShardHTTP = errors.New("discord: the HTTP interactions endpoint (public key) cannot be used with shards: " +
		"Discord sends every guild's interactions to its one URL, but each shard holds only its own guilds' data; " +
		"leave the public key unset and interactions come over each shard's gateway")
)
