package render

import "strings"

// ActionPrefix starts every action ID the core makes; adapters route
// clicks by it.
const ActionPrefix = "sb1:"

// AnswerAction is the action ID of option optionID on the daily card of
// post postID.
func AnswerAction(postID, optionID string) string {
	return ActionPrefix + "a:" + postID + ":" + optionID
}

// PracticeAction is the action ID of option optionID of a practice
// (/quiz) question.
func PracticeAction(questionID, optionID string) string {
	return ActionPrefix + "p:" + questionID + ":" + optionID
}

// ReviewAction is the action ID of an admin's review verdict on question
// qid, signed with sig for the admin it was shown to.
func ReviewAction(qid, verdict, sig string) string {
	return ActionPrefix + "r:" + qid + ":" + verdict + "." + sig
}

// ReviewAnswerAction is the action ID of option optionID of a personal
// review (/review) question.
func ReviewAnswerAction(questionID, optionID string) string {
	return ActionPrefix + "v:" + questionID + ":" + optionID
}

// SubmitOption is the option part of a multi-answer card's Submit action
// (AnswerAction, PracticeAction or ReviewAnswerAction with it): the click
// carries the chosen options' IDs in its Values instead.
const SubmitOption = "*"

// ParseAction splits an action ID made by AnswerAction, PracticeAction,
// ReviewAction, ReviewAnswerAction or OpenCardAction into its kind ("a",
// "p", "r", "v", "o"),
// its target and its option.
func ParseAction(id string) (kind, target, option string, ok bool) {
	rest, found := strings.CutPrefix(id, ActionPrefix)
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" || parts[0] != "a" && parts[0] != "p" && parts[0] != "r" && parts[0] != "v" && parts[0] != "o" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// CommandAction is the action ID of a button that runs a command as if
// the user typed it ("/review", "/studybot web"): the progress view's
// buttons. The reply is shown like the command's.
func CommandAction(name string, args ...string) string {
	return ActionPrefix + "c:" + strings.Join(append([]string{name}, args...), " ")
}

// SettingAction is the action ID of a button that runs a command changing
// one of the user's settings ("/review remind 21:00"): where the view
// itself shows the setting (Slack's Home tab), the view is refreshed in
// place of a reply.
func SettingAction(name string, args ...string) string {
	return ActionPrefix + "s:" + strings.Join(append([]string{name}, args...), " ")
}

// ParseCommandAction reads an action ID made by CommandAction or
// SettingAction: the command's name and arguments, and whether it is a
// setting.
func ParseCommandAction(id string) (name string, args []string, setting, ok bool) {
	rest, found := strings.CutPrefix(id, ActionPrefix)
	if !found {
		return "", nil, false, false
	}
	kind, cmd, found := strings.Cut(rest, ":")
	if !found || kind != "c" && kind != "s" {
		return "", nil, false, false
	}
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return "", nil, false, false
	}
	return f[0], f[1:], kind == "s", true
}

// OpenCardAction is the action ID of a button that shows the card of post
// postID privately (the progress view's today's questions).
func OpenCardAction(postID string) string {
	return ActionPrefix + "o:" + postID + ":show"
}
