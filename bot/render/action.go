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
// ReviewAction or ReviewAnswerAction into its kind ("a", "p", "r", "v"),
// its target and its option.
func ParseAction(id string) (kind, target, option string, ok bool) {
	rest, found := strings.CutPrefix(id, ActionPrefix)
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" || parts[0] != "a" && parts[0] != "p" && parts[0] != "r" && parts[0] != "v" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}
