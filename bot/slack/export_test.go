package slack

// RenderForTest is render, for the external tests' goldens.
var RenderForTest = render
